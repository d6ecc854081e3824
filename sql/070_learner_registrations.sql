-- Learners who register themselves. Such an account records when it was registered and stays
-- unusable for sign-in until the owner confirms the e-mail address with the single-use link sent
-- to it. Accounts created any other way (create-user, invitations) keep both columns NULL and
-- count as confirmed.
ALTER TABLE users
  ADD COLUMN registered_at DATETIME(6) NULL COMMENT 'set only for self-registered learners',
  ADD COLUMN email_confirmed_at DATETIME(6) NULL;

-- A registration link confirms the e-mail address of a self-registered learner account.
ALTER TABLE account_tokens
  MODIFY purpose ENUM('email_confirmation', 'invitation', 'password_reset', 'registration') NOT NULL;
