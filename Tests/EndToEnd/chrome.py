"""Debian's headless Chromium driven by Selenium for the browser tests: the
pages as a person meets them, with the browser's own console, screenshots at
phone and laptop widths, and the accessibility checks of accessibility.js and
focus.js."""
import base64
import os
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 15  # seconds any page or element may take on a loaded 2-core machine
WIDTHS = {"phone": 360, "laptop": 1280}
SCHEMES = ("light", "dark")
ACCESSIBILITY = (HERE / "accessibility.js").read_text()
FOCUS = (HERE / "focus.js").read_text()
CONTROLS = "a[href], button, input:not([type=hidden]), summary"  # what Tab should reach


class Chrome:
    """One headless Chromium with its own profile and download folder."""

    def __init__(self, workdir: Path, screenshots: Path):
        self.workdir = workdir
        self.downloads = workdir / "downloads"
        self.downloads.mkdir(parents=True)
        self.screenshots = screenshots
        self.screenshots.mkdir(parents=True, exist_ok=True)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in ("--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                         "--force-device-scale-factor=1", "--window-size=1280,900", "--lang=en-US",
                         "--no-first-run", "--disable-background-networking", f"--user-data-dir={workdir / 'profile'}"):
            options.add_argument(argument)
        if os.geteuid() == 0:
            options.add_argument("--no-sandbox")  # Chromium's sandbox refuses to run as root (CI, containers)
        # The deployment tests serve HTTPS with a throwaway self-signed certificate.
        options.accept_insecure_certs = True
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        options.add_experimental_option("prefs", {"download.default_directory": str(self.downloads),
                                                  "download.prompt_for_download": False})
        service = Service(CHROMEDRIVER, log_output=str(workdir / "chromedriver.log"))
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_page_load_timeout(WAIT)
        self.driver.set_script_timeout(WAIT)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": str(self.downloads)})

    def quit(self):
        self.driver.quit()

    # Navigating and waiting: explicit waits on what the page shows, never sleeps.

    def open(self, url):
        self.driver.get(url)

    def wait_for_path(self, path):
        WebDriverWait(self.driver, WAIT).until(lambda d: d.current_url.split("?")[0].endswith(path),
                                               f"the browser to reach {path}")
        WebDriverWait(self.driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def wait_for_heading(self, text):
        """Waits for the page whose h1 says `text` (after a POST whose answer keeps the path)."""
        WebDriverWait(self.driver, WAIT).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), text),
                                               f"the page headed {text!r}")

    def find(self, css):
        return WebDriverWait(self.driver, WAIT).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def type(self, css, text, submit=False):
        field = self.find(css)
        field.clear()
        field.send_keys(text + (Keys.ENTER if submit else ""))

    def click(self, css):
        self.find(css).click()

    @property
    def path(self):
        return "/" + self.driver.current_url.split("/", 3)[3].split("?")[0]

    # What the browser itself says: console errors and CSP violations.

    def console_problems(self, expected=()):
        """Console entries of level WARNING or worse since the last call, less the `expected` substrings."""
        entries = self.driver.get_log("browser")
        return [e["message"] for e in entries
                if e["level"] in ("WARNING", "SEVERE") and not any(x in e["message"] for x in expected)]

    # Screenshots of the whole page at each width.

    def screenshot(self, name, schemes=("light",)):
        """`NAME-phone.png` and `NAME-laptop.png` of the whole page (`NAME-dark-…` in the dark scheme)."""
        for scheme in schemes:
            self.emulate_scheme(scheme)
            for label, width in WIDTHS.items():
                metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600}
                self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
                height = self.driver.execute_script("return document.documentElement.scrollHeight")
                self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": height})
                shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
                suffix = "" if scheme == "light" else f"-{scheme}"
                (self.screenshots / f"{name}{suffix}-{label}.png").write_bytes(base64.b64decode(shot["data"]))
                self.assert_fits(width)
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.emulate_scheme(None)

    def emulate_scheme(self, scheme):
        """Makes the page see `prefers-color-scheme: scheme`; None for the browser's own."""
        features = [{"name": "prefers-color-scheme", "value": scheme}] if scheme else []
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": features})

    def assert_fits(self, width):
        overflow = self.driver.execute_script("return document.documentElement.scrollWidth")
        assert overflow <= width, f"{self.path} is {overflow} px wide at {width} px: it scrolls sideways"

    def element_png(self, css):
        return self.find(css).screenshot_as_png

    # Accessibility: contrast in both colour schemes, labels, visible keyboard focus.

    def accessibility(self):
        """Per colour scheme, what accessibility.js finds on the page."""
        found = {}
        for scheme in SCHEMES:
            self.emulate_scheme(scheme)
            found[scheme] = self.driver.execute_script(ACCESSIBILITY)
        self.emulate_scheme(None)
        return found

    def tab_through(self):
        """Presses Tab through the page, returning focus.js's view of each focused control, once each."""
        focusable = self.driver.execute_script(
            f"return [...document.querySelectorAll('{CONTROLS}')].filter(e => e.checkVisibility()).length")
        seen = {}
        actions = ActionChains(self.driver)
        for _ in range(2 * focusable + 2):
            actions.send_keys(Keys.TAB).perform()
            state = self.driver.execute_script(FOCUS, CONTROLS)
            if state:
                seen.setdefault(state["index"], state)
        return focusable, list(seen.values())

    def wait_for_download(self, name):
        path = self.downloads / name
        WebDriverWait(self.driver, WAIT).until(
            lambda _: path.exists() and not any(p.suffix == ".crdownload" for p in self.downloads.iterdir()),
            f"the download {name}")
        return path.read_text()
