"""In real browsers, a student in the LMS frame and a tutor in the console chat live."""

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.test_sandbox_launch import _open_as

pytestmark = pytest.mark.browser
PATIENCE = 20  # seconds a person would wait before calling it broken


def _until(driver, condition):
    # A page being replaced mid-look raises; the next look sees the new page.
    return WebDriverWait(driver, PATIENCE, ignored_exceptions=(WebDriverException,)).until(
        condition)


def _transcript_has(text):
    return shown.text_to_be_present_in_element((By.ID, "transcript"), text)


def _send(driver, text):
    box = _until(driver, shown.element_to_be_clickable((By.ID, "message-body")))
    box.send_keys(text)
    driver.find_element(By.CSS_SELECTOR, "#send-form button[type=submit]").click()


def test_student_and_tutor_chat_live_from_request_to_end(live_sandbox, browser,
                                                         second_browser):
    tutor, tool = second_browser, live_sandbox["tool_url"]
    tutor.get(tool + "/account/login")
    tutor.find_element(By.NAME, "email").send_keys("tutor@demo.example")
    tutor.find_element(By.NAME, "password").send_keys("demo-tutor-password")
    tutor.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    _until(tutor, shown.presence_of_element_located((By.ID, "queue")))

    _open_as(browser, live_sandbox["sandbox_url"], "student-02")
    Select(browser.find_element(By.ID, "subject_id")).select_by_visible_text(
        next(o.text for o in Select(browser.find_element(By.ID, "subject_id")).options
             if o.text.startswith("Algebra")))
    browser.find_element(By.ID, "question").send_keys("How do I solve 2x + 3 = 7?")
    browser.find_element(By.CSS_SELECTOR, ".ask-form button[type=submit]").click()
    _until(browser, shown.text_to_be_present_in_element((By.TAG_NAME, "body"),
                                                        "Your place in the queue"))

    # The request appears in the open console without a reload; the tutor takes it.
    accept = _until(tutor, shown.element_to_be_clickable(
        (By.CSS_SELECTOR, "#queue button[id^=accept-]")))
    assert "How do I solve 2x + 3 = 7?" in tutor.find_element(By.ID, "queue").text
    accept.click()

    # The waiting room turns into the chat by itself.
    _send(browser, "what method do you like? <b>bold</b>")
    _until(tutor, _transcript_has("what method do you like? <b>bold</b>"))
    assert not tutor.find_elements(By.CSS_SELECTOR, "#transcript b")
    _send(tutor, "we can use elimination")
    _until(browser, _transcript_has("we can use elimination"))

    # Reloading the course page and opening the tool again resumes the chat, whole, once.
    browser.switch_to.default_content()
    browser.refresh()
    browser.find_element(By.CSS_SELECTOR, 'a[href$="/sandbox/launch/student-02"]').click()
    browser.switch_to.frame(browser.find_element(By.NAME, "tool"))
    _until(browser, _transcript_has("we can use elimination"))
    text = browser.find_element(By.ID, "transcript").text
    assert text.count("we can use elimination") == 1 and text.count("what method") == 1
