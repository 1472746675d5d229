import type { Page } from "@playwright/test";

/**
 * Screenshots of the product for docs/screenshots (README). Written there only when
 * UPDATE_SCREENSHOTS=1, so an ordinary test run leaves the tree clean; otherwise into test-results/.
 */
export function screenshot(page: Page, name: string) {
  const folder = process.env.UPDATE_SCREENSHOTS === "1" ? "docs/screenshots" : "test-results/screenshots";
  return page.screenshot({ path: `${folder}/${name}.png`, fullPage: false });
}
