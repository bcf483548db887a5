"""The web pages in headless Chromium against a real ``kolgraph serve`` over scored samples."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.web.seed import MEDICAL_NOTE, SALES_NOTE

pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]

LAYERS = ["coauthor", "referral", "congress", "trial"]
UNLABELLED = """() => [...document.querySelectorAll('input, select')]
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .map(el => el.id || el.name)"""


def sign_in(page: Any, key: str) -> None:
    page.goto("/ui/")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#results tbody tr")


def open_profile(page: Any, hcp_id: str) -> None:
    page.goto(f"/ui/#/hcp/{hcp_id}")
    page.wait_for_selector("svg.network circle.node")
    page.wait_for_selector("#timeline li")


def network_json(server: str, key: str, hcp_id: str, hops: int = 1) -> dict[str, Any]:
    response = httpx.get(
        f"{server}/hcps/{hcp_id}/network",
        headers={"X-API-Key": key},
        params={"hops": hops, "layers": LAYERS, "max_nodes": 150},
    )
    response.raise_for_status()
    return response.json()


def test_sign_in_search_profile_network_and_timeline(page, server, scenario, artifacts):
    key, star = scenario["keys"]["krm"], scenario["star"]
    page.goto("/ui/")
    page.wait_for_selector("#api-key")
    page.screenshot(path=artifacts / "signin.png")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#results tbody tr")
    assert "KRM manager, Marketing" in page.locator("#who-text").inner_text()

    family = scenario["star_name"].split()[-1]
    page.get_by_label("Name", exact=True).fill(family)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"#/search\?q="))
    row = page.locator(f"#results tbody tr[data-id='{star}']")
    row.wait_for()
    assert "strategic" in row.inner_text()
    assert row.locator("td.why").inner_text().strip() not in ("", "not scored yet")
    page.screenshot(path=artifacts / "search.png", full_page=True)

    row.get_by_role("link").click()
    page.wait_for_url(re.compile(r"#/hcp/"))
    page.wait_for_selector("svg.network circle.node")
    page.wait_for_selector("#timeline li")
    assert page.locator("h1").inner_text() == scenario["star_name"]

    # the ego network: as many circles as the API returns nodes, drawn with a real size
    expected = network_json(server, key, star)
    circles = page.locator("svg.network circle.node")
    assert circles.count() == len(expected["nodes"]) > 5
    assert page.locator("svg.network line.edge").count() == len(expected["edges"])
    box = page.locator("svg.network").bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    radii = {float(r) for r in circles.evaluate_all("cs => cs.map(c => c.getAttribute('r'))")}
    assert len(radii) > 1  # sized by influence
    fills = set(circles.evaluate_all("cs => cs.map(c => c.getAttribute('fill'))"))
    assert len(fills) >= 2  # coloured by community

    # influence components with evidence one click away
    components = page.locator("#influence li[data-component]")
    assert components.count() == 5
    first = components.first.locator("details")
    first.locator("summary").click()
    assert first.locator("li").count() >= 1

    # the timeline: sales and medical affairs, the conflict badged on both sides
    timeline = page.locator("#timeline li")
    departments = set(timeline.evaluate_all("ls => ls.map(l => l.dataset.department)"))
    assert {"sales", "medical_affairs"} <= departments
    badged = page.locator("#timeline li:has(.badge.conflict)")
    badged_departments = set(badged.evaluate_all("ls => ls.map(l => l.dataset.department)"))
    assert badged_departments == {"sales", "medical_affairs"}
    assert "Medical affairs and Sales" in page.locator("#conflicts").inner_text()
    assert page.locator("#spend .badge.over").count() == 1  # 5,305 USD over the 5,000 cap
    assert page.locator("#plans article.plan").count() == 2
    page.screenshot(path=artifacts / "profile.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 1700})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=artifacts / "profile-top.png")


def test_layer_switch_redraws_the_network(page, server, scenario):
    key, star = scenario["keys"]["krm"], scenario["star"]
    sign_in(page, key)
    open_profile(page, star)
    data = network_json(server, key, star)
    for layer in ("referral", "congress", "coauthor"):
        page.locator(f"input[name=network-layer][value={layer}]").check()
        ends = {star} | {
            e[k] for e in data["edges"] if e["layer"] == layer for k in ("source", "target")
        }
        svg = page.locator("svg.network")
        assert svg.get_attribute("data-layer") == layer
        assert page.locator("svg.network circle.node").count() == len(ends)
        assert page.locator("svg.network line.edge").count() == sum(
            e["layer"] == layer for e in data["edges"]
        )
    page.get_by_label("Reach").select_option("2")
    page.wait_for_selector("#network-summary:has-text('2 hops')")
    two = network_json(server, key, star, hops=2)
    page.locator("input[name=network-layer][value=all]").check()
    assert page.locator("svg.network circle.node").count() == len(two["nodes"]) > len(data["nodes"])


def test_field_rep_does_not_see_other_departments_notes(page, scenario, artifacts):
    sign_in(page, scenario["keys"]["rep"])
    open_profile(page, scenario["star"])
    sales = page.locator("#timeline li[data-department=sales]")
    medical = page.locator("#timeline li[data-department=medical_affairs]")
    assert medical.count() == 2
    assert SALES_NOTE in sales.first.inner_text()
    assert all(v == "true" for v in medical.evaluate_all("ls => ls.map(l => l.dataset.redacted)"))
    assert "content hidden" in medical.first.inner_text()
    assert "meeting" in medical.first.inner_text()  # when, department and type still show
    body = page.locator("main").inner_text()
    assert MEDICAL_NOTE not in body and "investigator recruitment" not in body
    assert "Spend is visible to KRM managers" in page.locator("#spend").inner_text()
    assert page.locator("#timeline .badge.conflict").count() == 2
    page.screenshot(path=artifacts / "profile-field-rep.png", full_page=True)


@pytest.mark.parametrize(
    ("persona", "sees_sales", "sees_medical"),
    [
        ("msl", False, True),
        ("compliance", True, True),
    ],
    ids=["medical-field-role", "compliance"],
)
def test_the_role_decides_whose_notes_show(page, scenario, persona, sees_sales, sees_medical):
    sign_in(page, scenario["keys"][persona])
    open_profile(page, scenario["star"])
    text = page.locator("#timeline").inner_text()
    assert (SALES_NOTE in text) is sees_sales
    assert (MEDICAL_NOTE in text) is sees_medical


def test_dashboard_kpis_collisions_and_gaps(page, server, scenario, artifacts):
    sign_in(page, scenario["keys"]["krm"])
    page.get_by_role("link", name="KRM dashboard").click()
    page.wait_for_selector("#kpi-departments svg.bars")
    page.get_by_label("Territories").fill("US-NE, US-W")
    page.get_by_role("button", name="Update").click()
    page.wait_for_selector("#kpi-territories svg.bars")
    depts = page.locator("#kpi-departments table tbody tr")
    assert depts.count() == 6
    sales_row = page.locator("#kpi-departments table tbody tr", has_text="Sales")
    assert re.search(r"\b1[0-9]\b", sales_row.inner_text())  # the seeded sales engagements
    assert page.locator("#kpi-departments svg.bars rect.bar").count() >= 6
    assert page.locator("#kpi-territories table tbody tr").count() == 2
    collisions = page.locator("#collisions")
    assert scenario["star_name"] in collisions.inner_text()
    assert "Medical affairs" in collisions.inner_text()
    stale = page.locator("#uncontacted tbody a").evaluate_all(
        "links => links.map(a => decodeURIComponent(a.hash.slice(6).split('?')[0]))"
    )
    portfolio = httpx.get(
        f"{server}/portfolio", headers={"X-API-Key": scenario["keys"]["krm"]}, params={"limit": 25}
    ).json()
    assert stale == [k["id"] for k in portfolio["uncontacted"]]
    strategic = {
        h["id"]
        for h in httpx.get(
            f"{server}/hcps",
            headers={"X-API-Key": scenario["keys"]["krm"]},
            params={"tier": "strategic", "limit": 200},
        ).json()["items"]
    }
    # the second group's hubs were never contacted: listed whenever scoring makes them strategic
    assert set(scenario["outer"][:2]) & strategic <= set(stale)
    assert scenario["star"] not in stale
    gaps = page.locator("#coverage-gaps tbody").inner_text()
    assert "Segment C" in gaps and "not contacted in the period" in gaps
    page.screenshot(path=artifacts / "dashboard.png", full_page=True)


def test_an_empty_period_on_the_dashboard_links_to_the_latest_data(page, scenario):
    sign_in(page, scenario["keys"]["krm"])
    page.goto("/ui/#/dashboard?from=1999-01-01&to=1999-12-31&territories=US-NE")
    notice = page.locator("#empty-period")
    expect(notice).to_contain_text("No engagements in this period")
    latest = re.search(r"the latest is from (\d{4}-\d{2}-\d{2})", notice.inner_text()).group(1)
    notice.get_by_role("link").click()
    page.wait_for_url(re.compile(f"to={latest}"))
    # the table of the empty period may still be on the page: wait for the new period's
    page.wait_for_function(
        """() => [...document.querySelectorAll(
                '#kpi-departments table tbody td:nth-child(2)')]
            .some(td => parseInt(td.innerText.replace(/,/g, ''), 10) > 0)"""
    )
    assert "territories=US-NE" in page.url
    assert page.locator("#empty-period").count() == 0
    assert page.locator("#to").input_value() == latest
    engaged = page.locator("#kpi-departments table tbody td:nth-child(2)").all_inner_texts()
    assert sum(int(t.replace(",", "")) for t in engaged if t.strip("–")) > 0


def test_field_rep_dashboard_shows_own_department_only(page, scenario):
    sign_in(page, scenario["keys"]["rep"])
    page.goto("/ui/#/dashboard")
    page.wait_for_selector("#kpi-departments table")
    rows = page.locator("#kpi-departments table tbody tr")
    assert rows.count() == 1 and "Sales" in rows.first.inner_text()
    assert "may not" in page.locator("#collisions").inner_text()


def test_keyboard_only_sign_in_and_navigation(page, scenario):
    page.goto("/ui/")
    page.wait_for_selector("#api-key:focus")
    page.keyboard.type(scenario["keys"]["medical"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#results tbody tr")
    link = page.locator("#results tbody a.hcp-link").first
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("svg.network circle.node")
    first_url = page.url
    other = page.locator("svg.network g.node:not(.center)").first
    other.focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "link"
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url != first_url)
    page.wait_for_selector("svg.network circle.node")
    # focus moves to the new page's heading once all of its cards have loaded (the
    # network may be drawn before the others); fails after the timeout if it never does.
    # A locator assertion, not wait_for_function: the page's CSP forbids eval of a string.
    expect(page.locator("h1")).to_be_focused(timeout=15_000)
    assert page.evaluate("document.activeElement.tagName") == "H1"  # focus moved to the page


def test_pages_have_labels_live_region_and_table_headers(page, scenario):
    sign_in(page, scenario["keys"]["krm"])
    url = page.url
    page.locator(".skip").focus()
    page.keyboard.press("Enter")
    assert page.url == url  # the skip link moves focus, it does not change the route
    assert page.evaluate("document.activeElement.tagName") == "H1"
    assert page.evaluate(UNLABELLED) == []
    assert page.locator("#status[aria-live=polite]").count() == 1
    assert page.locator("#results thead th[scope=col]").count() == 11
    assert page.locator("#results th[aria-sort=descending]").count() == 1
    page.get_by_role("button", name=re.compile("Sort by publications")).click()
    page.wait_for_url(re.compile("sort=scientific"))
    page.wait_for_selector("#results th[aria-sort=descending] >> text=Publications")


def test_profile_controls_are_labelled_and_nodes_named(page, scenario):
    sign_in(page, scenario["keys"]["krm"])
    open_profile(page, scenario["star"])
    assert page.evaluate(UNLABELLED) == []
    names = page.locator("svg.network g.node").evaluate_all(
        "gs => gs.map(g => g.getAttribute('aria-label') || '')"
    )
    assert names and all("influence" in n for n in names)
    assert page.locator("#network details table th[scope=col]").count() == 4


def test_pagination_follows_the_api_cursor(page, scenario):
    sign_in(page, scenario["keys"]["krm"])
    first = page.locator("#results tbody tr").evaluate_all("rs => rs.map(r => r.dataset.id)")
    assert len(first) == 20
    page.get_by_role("button", name="Next page").click()
    page.wait_for_selector("text=Page 2")
    second = page.locator("#results tbody tr").evaluate_all("rs => rs.map(r => r.dataset.id)")
    assert second and not set(first) & set(second)
    assert page.locator("#results tbody tr td.num").first.inner_text() == "21"
    page.get_by_role("button", name="Previous page").click()
    page.wait_for_selector("text=Page 1")


def test_filters_narrow_the_ranking(page, scenario):
    sign_in(page, scenario["keys"]["krm"])
    page.get_by_label("Tier").select_option("strategic")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile("tier=strategic"))
    # The filtered page replaces the first one: wait for a table whose tier badges are all
    # strategic, and read its tiers and influences in that same snapshot.
    shown = page.wait_for_function(
        """() => {
            const rows = [...document.querySelectorAll('#results tbody tr')];
            const tiers = rows.flatMap(r => [...r.querySelectorAll('td .badge')]
                .filter(b => b.className.includes('tier-')).map(b => b.textContent));
            if (!tiers.length || tiers.some(t => t !== 'strategic')) return null;
            return {tiers, influences: rows.map(r => r.children[4].textContent)};
        }"""
    ).json_value()
    assert shown["tiers"] and set(shown["tiers"]) == {"strategic"}
    influences = [float(v) for v in shown["influences"]]
    assert influences == sorted(influences, reverse=True)


def a_topic(server: str, key: str, hcp_id: str) -> str:
    """A MeSH topic (not a check tag) of ``hcp_id``'s papers, as the profile lists it."""
    profile = httpx.get(f"{server}/hcps/{hcp_id}", headers={"X-API-Key": key}).json()
    return profile["publications"]["top_topics"][0]["name"]


def test_topic_filter_asks_the_api_and_shows_its_answer(page, server, scenario):
    key = scenario["keys"]["krm"]
    topic = a_topic(server, key, scenario["star"])
    sign_in(page, key)
    page.get_by_label("Therapeutic area or topic").fill(topic)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile("topic="))
    page.wait_for_selector("#results-summary:has-text('last page')")
    shown = page.locator("#results tbody tr").evaluate_all("rs => rs.map(r => r.dataset.id)")
    api = httpx.get(
        f"{server}/hcps", headers={"X-API-Key": key}, params={"topic": topic, "limit": 200}
    ).json()["items"]
    assert shown == [h["id"] for h in api] and 0 < len(shown) < 60


def test_errors_show_the_api_message_never_a_stack_trace(page, scenario):
    page.goto("/ui/")
    page.get_by_label("API key").fill("kg_not-a-real-key")
    page.get_by_role("button", name="Sign in").click()
    alert = page.locator("#signin-error .notice")
    alert.wait_for()
    assert "unknown API key" in alert.inner_text()
    sign_in(page, scenario["keys"]["krm"])
    page.goto("/ui/#/hcp/npi:0000000000")
    notice = page.locator("main [role=alert]")
    notice.wait_for()
    text = page.locator("main").inner_text()
    assert "no HCP with id 'npi:0000000000'" in text
    assert "Traceback" not in text and "Error:" not in text


def test_tablet_width_has_no_horizontal_scroll(page, scenario, artifacts):
    page.set_viewport_size({"width": 820, "height": 1180})
    sign_in(page, scenario["keys"]["krm"])
    open_profile(page, scenario["star"])
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    page.screenshot(path=artifacts / "profile-tablet.png", full_page=True)


def _ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


def test_the_period_control_changes_the_profiles_contacts_and_conflicts(page, scenario, artifacts):
    sign_in(page, scenario["keys"]["krm"])
    open_profile(page, scenario["star"])
    assert page.locator("#timeline li").count() == 6  # the last 12 months by default
    assert "days apart" in page.locator("#conflicts").inner_text()  # sales and medical, 2 days
    page.get_by_label("From", exact=True).fill(_ago(200))
    page.get_by_label("To", exact=True).fill(_ago(30))
    page.get_by_role("button", name="Apply period").click()
    page.wait_for_url(re.compile(f"from={_ago(200)}&to={_ago(30)}"))
    expect(page.locator("#period-note")).to_contain_text(f"from {_ago(200)} to {_ago(30)}")
    expect(page.locator("#timeline li")).to_have_count(4)  # 40, 70, 120 and 150 days ago
    dates = page.locator("#timeline time").all_inner_texts()
    assert all(_ago(200) <= d <= _ago(30) for d in dates)
    conflicts = page.locator("#conflicts").inner_text()
    assert "days apart" not in conflicts  # the contacts 3 and 5 days ago are after the period
    assert "window rules" not in conflicts and "0% overlap" not in conflicts
    page.screenshot(path=artifacts / "profile-period.png", full_page=True)
    # the period is kept for the tab: the dashboard opens on the same dates
    page.get_by_role("link", name="KRM dashboard").click()
    page.wait_for_selector("#kpi-departments table")
    assert page.locator("#from").input_value() == _ago(200)
    assert page.locator("#to").input_value() == _ago(30)


def test_the_period_control_changes_the_dashboards_collisions(page, scenario):
    sign_in(page, scenario["keys"]["krm"])
    page.goto("/ui/#/dashboard")
    page.wait_for_selector("#collisions tbody tr")
    star = scenario["star_name"]
    assert star in page.locator("#collisions").inner_text()
    page.get_by_label("From", exact=True).fill(_ago(60))
    page.get_by_label("To", exact=True).fill(_ago(8))
    page.get_by_role("button", name="Update").click()
    page.wait_for_url(re.compile(f"to={_ago(8)}"))
    expect(page.locator("#collisions")).to_contain_text(f"to {_ago(8)}")
    collisions = page.locator("#collisions").inner_text()
    assert star not in collisions  # only marketing saw the star in those weeks
    linked = page.locator("#collisions tbody a").evaluate_all("as => as.map(a => a.hash)")
    assert linked and all(f"to={_ago(8)}" in h for h in linked)  # profiles keep the period
    ids = {h.split("?")[0][6:] for h in linked}
    assert set(scenario["inner"][:4]) <= {i.replace("%3A", ":") for i in ids}
    stale_hint = page.locator("#uncontacted .hint").inner_text()
    assert f"to {_ago(8)}" in stale_hint
    page.get_by_label("From", exact=True).fill(_ago(8))
    page.get_by_label("To", exact=True).fill(_ago(60))
    page.get_by_role("button", name="Update").click()
    expect(page.locator("#period-error")).to_contain_text("From: the period starts after it ends")


def test_sign_in_page_has_no_sign_out(page, scenario):
    page.goto("/ui/")
    page.wait_for_selector("#api-key")
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    sign_in(page, scenario["keys"]["krm"])
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/ui/#/signin")
    page.wait_for_selector("#api-key")
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()


def test_api_docs_render_with_the_network_blocked(page, server, artifacts):
    path, ready = "/docs", ".swagger-ui .opblock"
    outside: list[str] = []

    def only_this_service(route: Any) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:  # any other host is unreachable, as on an on-premise server
            outside.append(route.request.url)
            route.abort()

    page.context.route("**/*", only_this_service)
    page.goto(path)
    page.wait_for_selector(ready)
    assert page.locator(ready).count() > 10  # the endpoints are listed
    assert "/hcps/{hcp_id}/contacts" in page.locator("body").inner_text()
    assert outside == []
    page.screenshot(path=artifacts / f"docs-{path.strip('/')}.png")


def test_the_filtered_list_exports_as_csv_with_the_finders_rows(page, server, scenario, tmp_path):
    key = scenario["keys"]["krm"]
    topic = a_topic(server, key, scenario["star"])
    sign_in(page, key)
    page.get_by_label("Therapeutic area or topic").fill(topic)
    page.get_by_label("Country").fill("US")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile("country=US"))
    page.wait_for_selector("#results-summary:has-text('last page')")
    shown = page.locator("#results tbody tr").evaluate_all("rs => rs.map(r => r.dataset.id)")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export the list as CSV").click()
    path = tmp_path / "kols.csv"
    download.value.save_as(path)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    api_rows = httpx.get(
        f"{server}/hcps",
        headers={"X-API-Key": key},
        params={"topic": topic, "country": "US", "limit": 200},
    ).json()["items"]
    assert [r["id"] for r in rows] == shown == [h["id"] for h in api_rows] and shown
    assert {
        "specialty",
        "institution",
        "city",
        "state",
        "country",
        "npi",
        "crm_id",
        "community_name",
        "why",
    } <= set(rows[0])
    assert rows[0]["npi"] == api_rows[0]["npi"] and rows[0]["rank"] == "1"
    assert [r["areas"] for r in rows] == [
        "; ".join(a["name"] for a in h["areas"]) for h in api_rows
    ]
    assert not any(v[:1] in ("=", "+", "-", "@") for r in rows for v in r.values())
    expect(page.locator("#export-status")).to_contain_text(f"{len(rows)} KOLs exported")
    # named communities instead of numbers, in the "why" column and the export
    why = " ".join(page.locator("#results td.why").all_inner_texts())
    assert not re.search(r"community \d", why)
    # formula-looking text is defused, numbers are left alone
    cells = page.evaluate("""async () => {
        const m = await import('/ui/js/csv.js');
        return [m.csvCell('=1+1'), m.csvCell('-2'), m.csvCell(-2), m.csvCell('@x'),
                m.csvCell('a,"b"'), m.csvCell('+CMD')];
    }""")
    assert cells == ["'=1+1", "'-2", "-2", "'@x", '"a,""b"""', "'+CMD"]


def test_logging_an_engagement_from_the_page_with_the_apis_rules(page, scenario):
    hcp = scenario["inner"][5]  # no contact seeded: the new one is the only one
    sign_in(page, scenario["keys"]["rep"])
    page.goto(f"/ui/#/hcp/{hcp}")
    page.wait_for_selector("svg.network circle.node")
    assert page.locator("#new-plan").count() == 0  # a field key may not write plans
    page.locator("#log-engagement summary").click()
    form = page.locator("#log-form")
    assert form.get_by_label("Employee id").input_value() == "S-300"  # the key's employee
    assert form.get_by_label("Department").locator("option").count() == 1  # own department
    form.get_by_label("Type").select_option("visit")
    form.get_by_label("Objective").fill("Awareness of the new indication")
    form.get_by_label("Key messages").fill("Efficacy; Safety profile")
    # the API's rules hold on the page: a date next year and another employee are refused
    next_year = (date.today() + timedelta(days=400)).isoformat()
    form.get_by_label("Date").fill(next_year)
    form.get_by_role("button", name="Save the engagement").click()
    expect(page.locator("#log-error")).to_contain_text("Not saved (422, date)")
    assert form.get_by_label("Date").get_attribute("aria-invalid") == "true"
    form.get_by_label("Date").fill(date.today().isoformat())
    form.get_by_label("Employee id").fill("S-301")
    form.get_by_role("button", name="Save the engagement").click()
    expect(page.locator("#log-error")).to_contain_text("Not saved (403")
    form.get_by_label("Employee id").fill("S-300")
    form.get_by_role("button", name="Save the engagement").click()
    expect(page.locator("#timeline li")).to_have_count(1)
    item = page.locator("#timeline li").first
    assert item.get_attribute("data-department") == "sales"
    assert "Awareness of the new indication" in item.inner_text()
    assert "Efficacy; Safety profile" in item.inner_text()


def test_creating_and_editing_a_plan_from_the_page_shows_plan_vs_actual(page, scenario, artifacts):
    hcp = scenario["inner"][6]
    sign_in(page, scenario["keys"]["krm"])
    page.goto(f"/ui/#/hcp/{hcp}")
    page.wait_for_selector("#plans")
    page.locator("#new-plan summary").click()
    form = page.locator("#new-plan form")
    form.get_by_label("Objectives").fill("Patient materials review\nSpeaker programme")
    form.get_by_label("Planned engagements").fill("3")
    form.get_by_label("By type").fill("meeting 2; email 1")
    form.get_by_label("Budget (USD)").fill("2500")
    form.get_by_role("button", name="Create the plan").click()
    plan = page.locator("#plans article.plan")
    expect(plan).to_have_count(1)
    assert "Marketing" in plan.locator("h3").inner_text()
    assert "Patient materials review" in plan.inner_text()
    assert "0 (adherence 0%)" in plan.inner_text()  # plan vs actual: nothing done yet
    plan.locator("details.edit-plan summary").click()
    edit = plan.locator("details.edit-plan form")
    edit.get_by_label("Planned engagements").fill("5")
    edit.get_by_label("Objectives").fill("Patient materials review")
    edit.get_by_role("button", name="Save the plan").click()
    expect(edit.locator("[role=alert]")).to_be_hidden()
    expect(page.locator("#plans article.plan dd").nth(3)).to_have_text("5")
    assert "Speaker programme" not in page.locator("#plans").inner_text()
    page.screenshot(path=artifacts / "profile-plan.png", full_page=True)


def test_acknowledging_a_conflict_from_the_page(page, scenario):
    sign_in(page, scenario["keys"]["krm"])
    open_profile(page, scenario["star"])
    window = page.locator("#conflicts li[data-kind=window]")
    window.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#conflicts li[data-kind=window] .badge.ack")).to_contain_text(
        "acknowledged by K-100 (Marketing)"
    )
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, scenario["keys"]["rep"])  # a field key sees it, may not acknowledge
    open_profile(page, scenario["star"])
    assert page.locator("#conflicts li[data-kind=window] .badge.ack").count() == 1
    assert page.locator("#conflicts button.ack").count() == 0


def test_dashboard_lists_alerts_from_the_api(page, server, scenario):
    key = scenario["keys"]["krm"]
    sign_in(page, key)
    page.goto("/ui/#/dashboard")
    page.wait_for_selector("#alerts li")
    shown = set(
        page.locator("#alerts li").evaluate_all(
            "ls => ls.map(l => l.dataset.kind + ' ' + l.dataset.id)"
        )
    )
    api = httpx.get(f"{server}/alerts", headers={"X-API-Key": key}).json()["alerts"]
    assert shown == {f"{a['kind']} {a['hcp_id']}" for a in api}
    assert f"over_cap {scenario['star']}" in shown  # 5,305 USD this year
    assert any(s.startswith("new_conflict ") for s in shown)
    sign_in_rep = scenario["keys"]["rep"]
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, sign_in_rep)
    page.goto("/ui/#/dashboard")
    page.wait_for_selector("#kpi-departments table")
    assert page.locator("#alerts").count() == 0  # the portfolio's alerts are not a field key's


def test_profile_lists_papers_trials_congress_roles_and_employee_names(page, server, scenario):
    key, star = scenario["keys"]["krm"], scenario["star"]
    sign_in(page, key)
    open_profile(page, star)
    record = httpx.get(f"{server}/hcps/{star}/activity", headers={"X-API-Key": key}).json()
    papers = page.locator("#publications tbody tr")
    assert papers.count() == len(record["publications"]) > 0
    first = record["publications"][0]
    row = papers.first.inner_text()
    assert first["title"] in row and str(first["year"]) in row
    assert (first["journal"] or "–") in row
    trials = page.locator("#trials tbody tr")
    assert trials.count() == len(record["trials"]) > 0
    trial = record["trials"][0]
    assert trial["nct_id"] in trials.first.inner_text()
    assert "principal investigator" in trials.first.inner_text()
    if trial["phase"]:
        assert trial["phase"].replace("_", " ") in trials.first.inner_text()
    assert page.locator("#congress-roles tbody tr").count() == len(record["congress_roles"]) > 0
    assert "Lakeside University Hospital" in page.locator("#affiliation-history").inner_text()
    # the influence evidence names the papers, not only their PMIDs
    page.locator("#influence li[data-component=scientific] summary").click()
    evidence = page.locator("#influence li[data-component=scientific] details li").first
    assert any(p["title"] in evidence.inner_text() for p in record["publications"])
    sales = page.locator("#timeline li[data-id='eng:crm:WEB-S-1'] .employee")
    assert sales.inner_text() == "by Dana Whitfield (S-300)"


LABEL_BOXES = """svg => {
    const centre = svg.querySelector('g.node.center circle');
    const at = (name) => +centre.getAttribute(name);
    const c = {x: at('cx'), y: at('cy'), r: at('r')};
    const labels = [...svg.querySelectorAll('text.label')].map(t => {
        const b = t.getBBox();
        const centre = t.classList.contains('center-label');
        return {x: b.x, y: b.y, w: b.width, h: b.height, centre};
    });
    return {c, labels};
}"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


@pytest.mark.parametrize("hops", [1, 2])
def test_network_labels_the_people_who_matter_without_covering_the_centre(
    page, scenario, artifacts, hops
):
    sign_in(page, scenario["keys"]["krm"])
    open_profile(page, scenario["star"])
    if hops == 2:
        page.get_by_label("Reach").select_option("2")
        page.wait_for_selector("#network-summary:has-text('2 hops')")
    svg = page.locator("svg.network")
    drawn = svg.evaluate(LABEL_BOXES)
    labels, c = drawn["labels"], drawn["c"]
    nodes = page.locator("svg.network g.node").count()
    assert sum(lab["centre"] for lab in labels) == 1  # the centre is named
    assert 3 <= len(labels) <= 13 and len(labels) < nodes  # not everyone: the top and paths
    centre_box = {"x": c["x"] - c["r"], "y": c["y"] - c["r"], "w": 2 * c["r"], "h": 2 * c["r"]}
    assert not any(_overlap(lab, centre_box) for lab in labels)
    assert not any(_overlap(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :])
    # the centre is drawn last: no other circle lies on top of it
    assert page.locator("svg.network g.nodes > g.node").last.get_attribute("class") == "node center"
    page.locator("#network").screenshot(path=artifacts / f"network-{hops}-hop.png")
    # a community filter keeps that community (and the centre), the list stays
    options = page.locator("#network-community option")
    assert options.count() >= 2
    value = options.nth(1).get_attribute("value")
    page.get_by_label("Community", exact=True).select_option(value)
    kept = page.locator("svg.network g.node").evaluate_all("gs => gs.map(g => g.dataset.id)")
    assert 1 <= len(kept) < nodes
    assert "Community" not in options.nth(1).inner_text() or value in options.nth(1).inner_text()
    page.get_by_role("button", name="Full screen").click()
    assert "fullscreen" in page.locator("#network").get_attribute("class")
    page.get_by_role("button", name="Exit full screen").click()


def test_finder_at_tablet_width_shows_every_column_it_keeps(page, scenario, artifacts):
    page.set_viewport_size({"width": 820, "height": 1180})
    sign_in(page, scenario["keys"]["krm"])
    fit = page.evaluate("""() => {
        const table = document.querySelector('#results');
        const wrap = table.parentElement;
        const shown = [...table.querySelectorAll('thead th')]
            .filter(th => getComputedStyle(th).display !== 'none');
        const rows = [...table.querySelectorAll('tbody tr')]
            .map(r => r.getBoundingClientRect().height);
        return {overflow: table.scrollWidth - wrap.clientWidth,
                right: Math.max(...shown.map(th => th.getBoundingClientRect().right)),
                width: document.documentElement.clientWidth,
                columns: shown.map(th => th.textContent), tallest: Math.max(...rows)};
    }""")
    page.screenshot(path=artifacts / "search-820.png", full_page=True)
    assert fit["overflow"] <= 1 and fit["right"] <= fit["width"]
    assert {"Rank", "Name", "Specialty", "Location", "Tier", "Why"} <= set(fit["columns"])
    assert fit["tallest"] <= 110, fit["tallest"]
