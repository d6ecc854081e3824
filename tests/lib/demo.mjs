// The demo accounts and the demo micro-credentials in validation, as `./mic` loads them into
// every stack, the test stack included.
import { readFile } from 'node:fs/promises';

/** The draft of FLC that the demo editor may edit and submit. */
export const DEMO_DRAFT_TITLE = 'Applying external thermal insulation composite systems to masonry walls';
/** The version of FLC that waits for the coordinator to assign reviewers. */
export const DEMO_SUBMITTED_TITLE = 'Installing mechanical ventilation with heat recovery in dwellings';
/** The version of FLC in review, assigned to the demo reviewer and a second reviewer. */
export const DEMO_IN_REVIEW_TITLE = 'Insulating pitched roofs from the outside during re-roofing';

/** Reads the demo accounts file that ./mic writes: {role: {email, password}}. */
export async function demoAccounts() {
  const path = process.env.MIC_DEMO_ACCOUNTS;
  if (!path) throw new Error('MIC_DEMO_ACCOUNTS is not set: run the suites through `./mic test`');
  const accounts = {};
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const [role, email, password] = line.trim().split(/\s+/);
    if (!role || role.startsWith('#') || !password) continue;
    accounts[role] = { email, password };
  }
  return accounts;
}
