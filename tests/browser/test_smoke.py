def test_start_page_renders_in_chromium_without_errors(page):
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Polyaxon production wizard"
    page.wait_for_load_state("networkidle")
    assert page.errors == []


def test_csp_violations_are_recorded(page):
    page.goto("/")
    page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.ran = true";
          document.body.append(s);
        }"""
    )
    page.wait_for_function("() => window.ran === undefined")
    page.wait_for_timeout(100)
    assert any(e.startswith("csp: script-src") for e in page.errors), page.errors
