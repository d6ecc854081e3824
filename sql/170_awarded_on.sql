-- The day the holder earned the micro-credential, when the issuer gives one that differs from the
-- day of issue: a bulk file's issue date column, for results recorded before they are uploaded.
-- A calendar day in the alliance's time zone. The certificate is still issued, and its credential
-- signed, at issued_at; the credential states this day as its awardedDate.
ALTER TABLE certificates ADD COLUMN awarded_on DATE NULL AFTER issued_at;
