-- Portable SQL: the same migration runs on SQLite and PostgreSQL.
-- Times are unix milliseconds (BIGINT); ids are UUIDv7 text.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    -- lower-cased username: names are unique regardless of case
    username_key  TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);

-- Browser sessions. Only the SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    token_hash          TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    remember_token_id   TEXT NULL,
    created_at          BIGINT NOT NULL,
    last_seen_at        BIGINT NOT NULL,
    expires_at          BIGINT NOT NULL,
    absolute_expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user_id ON sessions(user_id);
CREATE INDEX sessions_expires_at ON sessions(expires_at);

-- "Remember me" tokens: mint new sessions after a browser restart; rotated on use.
CREATE TABLE remember_tokens (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX remember_tokens_user_id ON remember_tokens(user_id);

-- API keys: the key itself is never stored, only its SHA-256.
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NULL,
    expires_at   BIGINT NULL
);
CREATE INDEX api_keys_user_id ON api_keys(user_id);

-- Torrent-client instances. Passwords are encrypted (XChaCha20-Poly1305).
CREATE TABLE servers (
    id                       TEXT PRIMARY KEY,
    user_id                  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name                     TEXT NOT NULL,
    server_type              TEXT NOT NULL,
    host                     TEXT NOT NULL,
    port                     BIGINT NOT NULL,
    username                 TEXT NULL,
    password_enc             TEXT NULL,
    rpc_path                 TEXT NULL,
    use_ssl                  BOOLEAN NOT NULL,
    transport                TEXT NULL,
    socket_path              TEXT NULL,
    tls_accept_invalid_certs BOOLEAN NOT NULL,
    enabled                  BOOLEAN NOT NULL,
    is_default               BOOLEAN NOT NULL,
    http_host                TEXT NULL,
    http_port                BIGINT NULL,
    http_path                TEXT NULL,
    http_username            TEXT NULL,
    http_password_enc        TEXT NULL,
    http_use_ssl             BOOLEAN NOT NULL,
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL
);
CREATE INDEX servers_user_id ON servers(user_id);

-- Failed logins, counted per client address and per username for throttling.
-- In the database so that several instances behind a load balancer agree.
CREATE TABLE login_failures (
    scope     TEXT NOT NULL,
    subject   TEXT NOT NULL,
    failed_at BIGINT NOT NULL
);
CREATE INDEX login_failures_lookup ON login_failures(scope, subject, failed_at);

-- Instance-wide settings changed at run time (registration mode).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
