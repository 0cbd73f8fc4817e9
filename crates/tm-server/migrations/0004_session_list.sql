-- Sessions are listed and ended by a public id (the token hash stays
-- private) and show the browser that opened them. Sessions from before this
-- migration get their id when first listed.
ALTER TABLE sessions ADD COLUMN id TEXT NULL;
ALTER TABLE sessions ADD COLUMN user_agent TEXT NULL;
CREATE UNIQUE INDEX sessions_id ON sessions(id);
