"""Fixtures the command and studio tests share."""

from __future__ import annotations

import time

import pytest

# Debian's headless Chromium, quiet and offline, playing media without a gesture.
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
    "--mute-audio",
    "--window-size=1600,900",
]


def chromium(*flags: str):
    """A headless Chromium driven through chromedriver, with ``flags`` besides ours."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (*CHROMIUM_FLAGS, *flags):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def poll(driver, script: str, predicate, seconds: float) -> dict:
    """What ``script`` returns in ``driver`` once ``predicate`` holds of it, or its
    last answer after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        state = driver.execute_script(script)
        if predicate(state) or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the module's tests."""
    driver = chromium()
    yield driver
    driver.quit()
