-- Login and registration attempts are reserved before the password work and
-- removed again when they succeed or are refused; `id` names one attempt.
ALTER TABLE login_failures ADD COLUMN attempt_id TEXT NULL;
CREATE INDEX login_failures_attempt ON login_failures(attempt_id);

-- The first account becomes admin exactly once: registrations race for this
-- row (a primary key), not for an empty `users` table. Existing instances
-- already had their first account.
INSERT INTO settings (name, value)
SELECT 'first_account_claimed', 'true' WHERE EXISTS (SELECT 1 FROM users);
