// Signing in through the SPA's own form, for end-to-end tests that act as a given account.
import { baseUrl } from './stack.mjs';

/** Signs in through the form and waits until the app has left the sign-in page. */
export async function signInThroughForm(page, account) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('E-mail', { exact: true }).fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}
