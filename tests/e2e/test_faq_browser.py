"""A visitor finds an answer in the FAQ with a real browser."""


def test_visitor_searches_colloquially_opens_first_result_and_votes(live_site, page):
    live_site.flask("demo", "load")
    live_site.flask("demo", "faq")
    page.goto(live_site.url + "/faq/")
    page.fill("#faq-q", "ｸﾚｶ勝手に使われてたらどうしたらいい")
    page.click("form.faq-search button[type=submit]")
    page.wait_for_selector("ol.search-results")
    assert page.input_value("#faq-q") == "ｸﾚｶ勝手に使われてたらどうしたらいい"
    first = page.locator("ol.search-results li h2 a").first
    title = first.inner_text()
    assert page.locator("ol.search-results mark").count() >= 1
    first.click()
    assert page.locator("h1").inner_text() == title
    page.click("button[name=helpful][value=yes]")
    page.wait_for_selector("text=ご回答ありがとうございました")
    assert page.locator("button[name=helpful]").count() == 0
