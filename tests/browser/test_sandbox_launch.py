"""In a real browser, the sandbox LMS launches the tool in a cross-site iframe."""

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser


def _open_as(browser, sandbox_url: str, user_id: str) -> str:
    browser.get(sandbox_url)
    browser.find_element(By.CSS_SELECTOR, f'a[href$="/sandbox/launch/{user_id}"]').click()
    browser.switch_to.frame(browser.find_element(By.NAME, "tool"))

    def landed(driver):
        try:
            text = driver.find_element(By.TAG_NAME, "body").text
        except WebDriverException:
            return False
        return text if "Welcome" in text else False

    return WebDriverWait(browser, 15).until(landed)


def test_student_launches_tutoring_inside_the_course_page(live_sandbox, browser):
    text = _open_as(browser, live_sandbox["sandbox_url"], "student-01")
    assert "Tutoring" in text and "MATH 101: College Algebra" in text and "Ava Adams" in text


def test_instructor_launches_the_portal_inside_the_course_page(live_sandbox, browser):
    text = _open_as(browser, live_sandbox["sandbox_url"], "instructor-1")
    assert "Client Portal" in text and "Rachel Moreno" in text
