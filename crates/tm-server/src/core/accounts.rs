use std::time::Duration;

use tm_api_types::{
    AuthStatus, ChangePasswordRequest, CreateUserRequest, RegisterRequest, RegistrationMode,
    UpdateUserRequest, UserInfo,
};
use zeroize::Zeroizing;

use super::activity::Change;
use super::{Core, Error, Identity, Result, from_millis, now_millis, validate};
use crate::crypto;
use crate::db::UserRow;

/// How long password work waits for a hashing slot before answering 503:
/// a burst of logins or registrations queues briefly instead of taking
/// ~19 MiB of memory each at once.
const HASHING_WAIT: Duration = Duration::from_secs(10);

const REGISTRATION_MODE: &str = "registration_mode";

/// An account, without its password hash.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub username: String,
    pub is_admin: bool,
    pub created_at: i64,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
            username: row.username,
            is_admin: row.is_admin,
            created_at: row.created_at,
        }
    }
}

impl From<User> for UserInfo {
    fn from(user: User) -> Self {
        Self {
            id: user.id,
            username: user.username,
            is_admin: user.is_admin,
            created_at: from_millis(user.created_at),
            allow_private_targets: false,
            engine_access: false,
        }
    }
}

impl Core {
    /// Runs argon2 work off the async runtime, a bounded number at a time.
    async fn hashing_work<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        self.hashing().run(HASHING_WAIT, work).await
    }

    async fn hash_password(&self, password: &str) -> Result<String> {
        let password = Zeroizing::new(password.to_string());
        self.hashing_work(move || crypto::hash_password(&password))
            .await?
            .map_err(Error::from)
    }

    /// Checks `password` against `phc`, or against a dummy hash when there
    /// is no such user, so both cases take as long.
    pub(super) async fn verify_password(
        &self,
        password: String,
        phc: Option<String>,
    ) -> Result<bool> {
        let password = Zeroizing::new(password);
        let phc = phc.unwrap_or_else(|| super::sessions::dummy_hash().to_string());
        self.hashing_work(move || crypto::verify_password(&password, &phc))
            .await
    }

    /// Self-service registration. The first account of the instance becomes
    /// an admin and is allowed even when registration is closed.
    pub async fn register(&self, request: RegisterRequest, address: &str) -> Result<User> {
        validate::username(&request.username)?;
        validate::password(&request.password)?;
        self.reserve_registration(address, now_millis()).await?;
        let closed = self.registration_mode().await? == RegistrationMode::Closed;
        // Cheap early answer; the insert decides race-free.
        if closed && self.store().user_count().await? > 0 {
            return Err(registration_closed());
        }
        let user = self
            .insert_user(&request.username, &request.password, None, closed)
            .await?
            .ok_or_else(registration_closed)?;
        let message = format!("user {} registered", user.username);
        self.record_one(Change::account(&user.id, "user_register", message))
            .await;
        // The first account: the admin gets the embedded engine's server.
        if user.is_admin
            && let Err(error) = self.ensure_engine_server().await
        {
            tracing::warn!(%error, "could not make the embedded engine's server");
        }
        Ok(user)
    }

    /// An admin creates an account.
    pub async fn create_user(&self, request: CreateUserRequest) -> Result<User> {
        validate::username(&request.username)?;
        validate::password(&request.password)?;
        let user = self
            .insert_user(
                &request.username,
                &request.password,
                Some(request.is_admin),
                false,
            )
            .await?
            .ok_or_else(|| Error::Internal("an admin's user insert was refused".into()))?;
        let role = if user.is_admin { "admin" } else { "user" };
        let message = format!("{role} {} created", user.username);
        self.record_one(Change::account(&user.id, "user_create", message))
            .await;
        Ok(user)
    }

    /// `None` when `only_first` and the account would not be the first one.
    async fn insert_user(
        &self,
        username: &str,
        password: &str,
        admin: Option<bool>,
        only_first: bool,
    ) -> Result<Option<User>> {
        let hash = self.hash_password(password).await?;
        let id = uuid::Uuid::now_v7().to_string();
        match self
            .store()
            .insert_user(&id, username, &hash, admin, only_first, now_millis())
            .await
        {
            Ok(row) => Ok(row.map(User::from)),
            // Kept as 409 (clients rely on it); registration throttling per
            // address bounds how many names can be probed this way.
            Err(crate::db::DbError::Conflict(_)) => Err(Error::Conflict(format!(
                "username '{username}' is already taken"
            ))),
            Err(other) => Err(other.into()),
        }
    }

    pub async fn list_users(&self) -> Result<Vec<User>> {
        Ok(self
            .store()
            .list_users()
            .await?
            .into_iter()
            .map(User::from)
            .collect())
    }

    /// An admin changes a user. A new password ends that user's sessions and
    /// remember-me tokens (except the acting admin's own session); API keys
    /// stay, as they are separate, listed and revocable credentials.
    pub async fn update_user(
        &self,
        acting: &Identity,
        id: &str,
        request: UpdateUserRequest,
    ) -> Result<User> {
        let existing = self.user(id).await?;
        if let Some(password) = &request.password {
            validate::password(password)?;
        }
        if let Some(is_admin) = request.is_admin
            && is_admin != existing.is_admin
            && !self.admin_role_set(id, is_admin).await?
        {
            return Err(Error::Conflict(
                "cannot remove the admin role from the last admin".into(),
            ));
        }
        let mut changes = Vec::new();
        if let Some(is_admin) = request.is_admin
            && is_admin != existing.is_admin
        {
            let role = if is_admin {
                "now an admin"
            } else {
                "no longer an admin"
            };
            let message = format!("user {} is {role}", existing.username);
            changes.push(Change::account(id, "user_role", message));
            // Their servers' egress policy and engine share follow the role.
            self.sync_fleet().await?;
            self.announce_servers_changed().await;
        }
        if let Some(password) = &request.password {
            let keep = (acting.user.id == id)
                .then_some(acting.session_token_hash.as_deref())
                .flatten();
            self.replace_password(id, password, keep).await?;
            let message = format!("password of {} replaced", existing.username);
            changes.push(Change::account(id, "user_password", message));
        }
        self.record(changes).await;
        self.user(id).await
    }

    /// Self-service password change from a password login: needs the current
    /// password (a failure counts as a failed login), keeps this session and
    /// ends the user's other sessions and remember-me tokens.
    pub async fn change_password(
        &self,
        identity: &Identity,
        request: ChangePasswordRequest,
        address: &str,
    ) -> Result<()> {
        validate::password(&request.new_password)?;
        let username = &identity.user.username;
        let attempt = self.reserve_login(address, username, now_millis()).await?;
        let current = self.user_row(&identity.user.id).await?;
        let verified = self
            .verify_password(request.current_password, Some(current.password_hash))
            .await?;
        if !verified {
            return Err(Error::Forbidden("the current password is wrong".into()));
        }
        self.login_succeeded(attempt).await?;
        self.replace_password(
            &identity.user.id,
            &request.new_password,
            identity.session_token_hash.as_deref(),
        )
        .await?;
        let change = Change::account(&identity.user.id, "password_change", "password changed");
        self.record_one(change).await;
        Ok(())
    }

    async fn replace_password(&self, id: &str, password: &str, keep: Option<&str>) -> Result<()> {
        let hash = self.hash_password(password).await?;
        self.store().set_user_password(id, &hash).await?;
        self.store().end_sessions_of(id, keep, now_millis()).await?;
        Ok(())
    }

    pub async fn delete_user(&self, acting: &User, id: &str) -> Result<()> {
        if acting.id == id {
            return Err(Error::BadRequest("you cannot delete yourself".into()));
        }
        let user = self.user(id).await?;
        let deleted = self.store().delete_user(id).await;
        self.forget_checked_keys().await;
        self.announce_servers_changed().await;
        if !deleted? {
            return Err(Error::Conflict("cannot delete the last admin".into()));
        }
        let message = format!("user {} deleted", user.username);
        self.record_one(Change::account(id, "user_delete", message))
            .await;
        Ok(())
    }

    async fn admin_role_set(&self, id: &str, is_admin: bool) -> Result<bool> {
        let done = self.store().set_user_admin(id, is_admin).await;
        self.forget_checked_keys().await;
        Ok(done?)
    }

    async fn user(&self, id: &str) -> Result<User> {
        self.user_row(id).await.map(User::from)
    }

    async fn user_row(&self, id: &str) -> Result<UserRow> {
        self.store()
            .user_by_id(id)
            .await?
            .ok_or_else(|| Error::NotFound("User not found".into()))
    }

    /// Whether anyone has an account yet, and whether a visitor may register
    /// now (the first account always may). Says nothing about who exists.
    pub async fn auth_status(&self) -> Result<AuthStatus> {
        let has_users = self.store().user_count().await? > 0;
        let open = self.registration_mode().await? == RegistrationMode::Open;
        Ok(AuthStatus {
            has_users,
            registration_open: open || !has_users,
        })
    }

    pub async fn registration_mode(&self) -> Result<RegistrationMode> {
        match self.store().setting(REGISTRATION_MODE).await? {
            Some(value) => value.parse().map_err(Error::Internal),
            None => Ok(RegistrationMode::Open),
        }
    }

    pub async fn set_registration_mode(&self, mode: RegistrationMode) -> Result<()> {
        self.store()
            .set_setting(REGISTRATION_MODE, mode.as_str())
            .await?;
        let message = format!("registration set to {}", mode.as_str());
        self.record_one(Change::setting("registration", message))
            .await;
        Ok(())
    }
}

fn registration_closed() -> Error {
    Error::Forbidden("registration is closed; ask an admin to create your account".into())
}
