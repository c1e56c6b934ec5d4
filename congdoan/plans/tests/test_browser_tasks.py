"""Real Chromium through Playwright: a district clerk reports progress on a task of the
province's plan with a file, and finds it in the activity news.

Skipped without Debian's Chromium unless CONGDOAN_REQUIRE_BROWSER=1 (see web/tests).
"""

import pytest

from congdoan.accounts.models import Role
from congdoan.plans.models import TaskUpdate
from congdoan.plans.tests.test_tasks import make_tasks_plan
from congdoan.testing import Org, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_reports_progress_with_a_file_and_sees_it_in_the_news(
    live_server, browser_page, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path
    org = Org()
    make_user(username="vt_huyen_a", unit=org.district_a, role=Role.CLERK)
    plan = make_tasks_plan(org)
    task_url = f"{live_server.url}/plans/{plan.code}/tasks/{plan.t11.pk}/"
    page = browser_page
    page.goto(f"{live_server.url}/login/?next=/plans/{plan.code}/tasks/{plan.t11.pk}/")
    page.fill("input[name=username]", "vt_huyen_a")
    page.fill("input[name=password]", "test-pass-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(task_url)

    form = page.locator("#report-form")
    expect(form.locator("select[name=unit]")).to_have_value(str(org.district_a.pk))
    form.locator("input[name=on]").fill("15/03/2022")
    form.locator("select[name=status]").select_option("in_progress")
    form.locator("input[name=progress]").fill("50")
    form.locator("textarea[name=text]").fill("Đã tổ chức hội nghị triển khai cho 40 CĐCS")
    form.locator("input[name=files]").set_input_files(
        [{"name": "bien-ban-hoi-nghi.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    form.locator("button[type=submit]").click()
    page.wait_for_url(task_url)
    expect(page.locator("#task-updates")).to_contain_text("Đã tổ chức hội nghị triển khai")

    page.click("nav.tabs a[href$='/tasks/news/']")
    page.wait_for_url(f"{live_server.url}/plans/{plan.code}/tasks/news/")
    item = page.locator(".news .task-update").first
    expect(item).to_contain_text("Đã tổ chức hội nghị triển khai cho 40 CĐCS")
    expect(item).to_contain_text("15/03/2022")
    expect(item).to_contain_text("LĐLĐ huyện A")
    link = item.locator("a", has_text="bien-ban-hoi-nghi.pdf")
    expect(link).to_have_count(1)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "bien-ban-hoi-nghi.pdf"
    update = TaskUpdate.objects.get()
    assert (update.progress, update.attachments.get().name) == (50, "bien-ban-hoi-nghi.pdf")
