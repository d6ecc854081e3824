// A learner's journey in Chromium: register, confirm by the e-mailed link, sign in, take the demo
// assessment of the timber-frame panel micro-credential, reload half-way and resume, pass and open the
// certificate's verification page. A second learner fails and is shown when to try again, on the
// result page and on the micro-credential page, also in a tab opened earlier that still offers
// the start.
// The steps share one browser and run in order; after a failed step the rest are skipped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { baseUrl, createUser, demoMicrocredential, sql, sqlString, uniqueEmail } from '../lib/stack.mjs';

const TIMBER_FRAME_TITLE = 'Timber-frame assembly of prefabricated wall panels';
const LEARNER_NAME = 'Małgorzata Øberg-Nuñez';
const PASSWORD = 'a long learner password';
// The stack's MIC_TIMEZONE, in which the pages write times of day. ./mic uses this default.
const ALLIANCE_TIME_ZONE = process.env.MIC_TIMEZONE || 'Europe/Brussels';

/**
 * Writes out, with Intl in the alliance's zone, the sentence the pages show for a next start at
 * `moment` (a Date): "You can start your next attempt at 05:22 on 5 December 2026."
 */
function nextStartSentence(moment) {
  const time = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: ALLIANCE_TIME_ZONE,
  }).format(moment);
  const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: ALLIANCE_TIME_ZONE }).format(moment);
  return `You can start your next attempt at ${time} on ${day}.`;
}

/** The question bank of a demo micro-credential by prompt: {type, options, correct}. */
async function bankByPrompt(title) {
  const rows = await sql(
    'SELECT q.type, HEX(q.prompt), q.options, q.correct FROM assessment_questions q ' +
      `JOIN microcredentials m ON m.id = q.microcredential_id WHERE m.title = ${sqlString(title)} AND q.retired_at IS NULL`,
  );
  const bank = new Map();
  for (const [type, promptHex, options, correct] of rows) {
    bank.set(Buffer.from(promptHex, 'hex').toString('utf8'), { type, options: JSON.parse(options), correct: JSON.parse(correct) });
  }
  return bank;
}

/** Answers the question on screen correctly, through its labelled controls, and waits for the save. */
async function answerShownQuestion(page, bank) {
  const prompt = (await page.locator('.question__prompt').textContent()).trim();
  const question = bank.get(prompt);
  assert.ok(question, `the prompt on screen is not in the bank: ${prompt}`);
  if (question.type === 'true_false') {
    await page.getByRole('radio', { name: question.correct ? 'True' : 'False' }).check();
  } else if (question.type === 'single_choice') {
    await page.getByRole('radio', { name: question.options[question.correct] }).check();
  } else if (question.type === 'multiple_choice') {
    for (const index of question.correct) await page.getByRole('checkbox', { name: question.options[index] }).check();
  } else {
    const wanted = question.correct.map((index) => question.options[index]);
    for (let position = 0; position < wanted.length; position++) {
      let shown = await page.locator('.ordering__text').allTextContents();
      while (shown.indexOf(wanted[position]) > position) {
        await page.getByRole('button', { name: `Move up: ${wanted[position]}` }).click();
        shown = await page.locator('.ordering__text').allTextContents();
      }
    }
    const order = await page.locator('.ordering__text').allTextContents();
    assert.deepEqual(order, wanted);
    if (await page.getByRole('button', { name: 'Keep this order as my answer' }).count()) {
      await page.getByRole('button', { name: 'Keep this order as my answer' }).click();
    }
  }
  await page.getByText('Answer saved.').waitFor();
}

describe('learner journey', { timeout: 240000 }, () => {
  let browser;
  let page;
  let stepFailed = false;
  const email = uniqueEmail('e2e-learner');

  function step(name, fn) {
    test(name, async (t) => {
      if (stepFailed) {
        t.skip('an earlier step failed');
        return;
      }
      try {
        await fn(t);
      } catch (error) {
        stepFailed = true;
        if (page) await saveScreenshot(page, `learner-failed-${name.replace(/\W+/g, '-')}`).catch(() => {});
        throw error;
      }
    });
  }

  before(async () => {
    browser = await launchBrowser();
    page = await newPage(browser);
  });

  after(async () => {
    await browser?.close();
  });

  step('register with prefilled e-mail', async () => {
    await page.goto(`${baseUrl}/register?email=${encodeURIComponent(email)}`);
    assert.equal(await page.getByLabel('E-mail').inputValue(), email);
    await page.getByLabel('Full name').fill(LEARNER_NAME);
    await page.getByLabel('Password').fill(PASSWORD);
    await saveScreenshot(page, 'learner-1-register');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor();
  });

  step('confirm by the e-mailed link', async () => {
    const [[hex]] = await sql(`SELECT HEX(body) FROM email_outbox WHERE recipient = ${sqlString(email)} AND kind = 'registration'`);
    const link = Buffer.from(hex, 'hex').toString('utf8').match(/https?:\/\/\S+\/register\/confirm\?token=[\w-]+/)[0];
    await page.goto(link);
    await page.getByText(`Your e-mail address ${email} is confirmed`).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).last().click();
    assert.equal(await page.getByLabel('E-mail').inputValue(), email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(LEARNER_NAME).waitFor();
  });

  step('start the assessment', async () => {
    const timberFrame = await demoMicrocredential(TIMBER_FRAME_TITLE);
    await page.goto(`${baseUrl}/microcredentials/${timberFrame.id}`);
    await page.getByRole('heading', { name: 'Online assessment' }).waitFor();
    await page.getByText('25 minutes').waitFor();
    await saveScreenshot(page, 'learner-2-microcredential');
    await page.getByRole('button', { name: 'Take the assessment' }).click();
    await page.waitForURL(/\/attempts\/[0-9a-z]{20}$/);
    await page.getByRole('heading', { name: /^Question 1 of \d+$/ }).waitFor();
  });

  step('reload mid-way and resume', async () => {
    const bank = await bankByPrompt(TIMBER_FRAME_TITLE);
    await answerShownQuestion(page, bank);
    await page.getByRole('button', { name: 'Next' }).click();
    await answerShownQuestion(page, bank);
    await saveScreenshot(page, 'learner-3-question');
    await page.reload();
    await page.getByRole('heading', { name: /^Question 3 of \d+$/ }).waitFor();
    await page.getByText(/2 answered/).waitFor();
    const timer = await page.getByRole('timer').textContent();
    assert.match(timer, /^(24|25):\d\d$/);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByRole('heading', { name: /^Question 2 of \d+$/ }).waitFor();
    assert.equal(await page.locator('.question__choices input:checked').count() > 0 || await page.locator('.ordering').count() > 0, true);
  });

  step('pass and verify the certificate', async () => {
    const bank = await bankByPrompt(TIMBER_FRAME_TITLE);
    await page.getByRole('button', { name: 'Next' }).click();
    const total = Number((await page.locator('#question-heading').textContent()).match(/of (\d+)/)[1]);
    for (let number = 3; number <= total; number++) {
      await answerShownQuestion(page, bank);
      if (number < total) await page.getByRole('button', { name: 'Next' }).click();
    }
    await page.setViewportSize({ width: 360, height: 740 });
    await saveScreenshot(page, 'learner-4-question-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await page.getByText('You have answered every question.').waitFor();
    await page.getByRole('button', { name: 'Submit now' }).click();
    await page.getByRole('heading', { name: 'You passed' }).waitFor();
    await page.getByText('Your score: 100 %').waitFor();
    await saveScreenshot(page, 'learner-5-passed');
    await page.getByRole('link', { name: 'Open the verification page of your certificate' }).click();
    await page.waitForURL(/\/v\/[0-9a-z]{20}$/);
    await page.getByText('Valid', { exact: true }).first().waitFor();
    await page.getByText(LEARNER_NAME).first().waitFor();
    await saveScreenshot(page, 'learner-6-verified');
  });

  step('failing learner sees next attempt', async () => {
    const account = await createUser({ role: 'learner' });
    const other = await newPage(browser);
    page = other;
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('E-mail').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(account.name).waitFor();
    const timberFrame = await demoMicrocredential(TIMBER_FRAME_TITLE);
    await page.goto(`${baseUrl}/microcredentials/${timberFrame.id}`);
    await page.getByRole('button', { name: 'Take the assessment' }).click();
    await page.waitForURL(/\/attempts\//);
    // A second tab of the same session, opened while no attempt is finished, still offers the start.
    const earlierTab = await page.context().newPage();
    await earlierTab.goto(`${baseUrl}/microcredentials/${timberFrame.id}`);
    await earlierTab.getByRole('button', { name: 'Take the assessment' }).waitFor();
    await page.bringToFront();
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await page.getByText(/questions have no answer yet/).waitFor();
    await page.getByRole('button', { name: 'Submit now' }).click();
    await page.getByRole('heading', { name: 'You did not pass this time' }).waitFor();
    await page.getByText('You can try again in about 60 minutes; 2 attempts are left.').waitFor();

    // The demo assessment makes a learner wait 60 minutes after a failed attempt.
    const [[submittedAt]] = await sql(
      "SELECT DATE_FORMAT(submitted_at, '%Y-%m-%dT%H:%i:%sZ') FROM assessment_attempts " +
        `WHERE learner_user_id = ${account.id} AND status = 'failed'`,
    );
    const nextStart = new Date(Date.parse(submittedAt) + 60 * 60 * 1000);
    const sentence = nextStartSentence(nextStart);
    const summary = await page.locator('.result__next').textContent();
    assert.ok(summary.includes(sentence), `the result page shows "${summary}", not "${sentence}"`);
    assert.doesNotMatch(summary, /\(\d+ \w+ \d{4}\)/, 'the result page still shows the day in brackets');
    // The table of scores per outcome is named by its heading, which the page shows once.
    assert.equal(await page.getByText('Score per learning outcome', { exact: true }).count(), 1);
    assert.equal(await page.getByRole('heading', { name: 'Score per learning outcome' }).count(), 1);
    assert.equal(await page.getByRole('table', { name: 'Score per learning outcome' }).count(), 1);
    await page.setViewportSize({ width: 360, height: 740 });
    await saveScreenshot(page, 'learner-7-failed-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The tab opened earlier gets 409 wait_required and then shows the next start in words.
    await earlierTab.bringToFront();
    await earlierTab.getByRole('button', { name: 'Take the assessment' }).click();
    await earlierTab.getByText(sentence).waitFor();
    assert.equal(await earlierTab.getByRole('button', { name: 'Take the assessment' }).count(), 0);
    assert.equal(await earlierTab.getByText(/\d{4}-\d\d-\d\dT\d\d:\d\d/).count(), 0, 'a raw timestamp is shown');
    await earlierTab.close();

    // The micro-credential page, loaded afresh, shows the notice in place of the start button.
    await page.getByRole('link', { name: 'Back to the micro-credential' }).click();
    await page.getByRole('heading', { name: 'Online assessment' }).waitFor();
    await page.getByText(sentence).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Take the assessment' }).count(), 0);
    await saveScreenshot(page, 'learner-8-wait-notice');
  });
});
