use tm_api_types::{
    CreateUserRequest, RegisterRequest, RegistrationMode, UpdateUserRequest, UserInfo,
};

use super::{Core, Error, Result, from_millis, now_millis, validate};
use crate::crypto;
use crate::db::UserRow;

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
        }
    }
}

/// argon2id off the async runtime.
async fn hash_password(password: &str) -> Result<String> {
    let password = zeroize::Zeroizing::new(password.to_string());
    Ok(tokio::task::spawn_blocking(move || crypto::hash_password(&password)).await??)
}

impl Core {
    /// Self-service registration. The first account of the instance becomes
    /// an admin and is allowed even when registration is closed.
    pub async fn register(&self, request: RegisterRequest) -> Result<User> {
        validate::username(&request.username)?;
        validate::password(&request.password)?;
        if self.registration_mode().await? == RegistrationMode::Closed
            && self.store().user_count().await? > 0
        {
            return Err(Error::Forbidden(
                "registration is closed; ask an admin to create your account".into(),
            ));
        }
        self.insert_user(&request.username, &request.password, None)
            .await
    }

    /// An admin creates an account.
    pub async fn create_user(&self, request: CreateUserRequest) -> Result<User> {
        validate::username(&request.username)?;
        validate::password(&request.password)?;
        self.insert_user(&request.username, &request.password, Some(request.is_admin))
            .await
    }

    async fn insert_user(
        &self,
        username: &str,
        password: &str,
        admin: Option<bool>,
    ) -> Result<User> {
        let hash = hash_password(password).await?;
        let id = uuid::Uuid::now_v7().to_string();
        match self
            .store()
            .insert_user(&id, username, &hash, admin, now_millis())
            .await
        {
            Ok(row) => Ok(row.into()),
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

    pub async fn update_user(&self, id: &str, request: UpdateUserRequest) -> Result<User> {
        let existing = self.user(id).await?;
        if let Some(password) = &request.password {
            validate::password(password)?;
        }
        if let Some(is_admin) = request.is_admin
            && is_admin != existing.is_admin
            && !self.store().set_user_admin(id, is_admin).await?
        {
            return Err(Error::Conflict(
                "cannot remove the admin role from the last admin".into(),
            ));
        }
        if let Some(password) = &request.password {
            let hash = hash_password(password).await?;
            self.store().set_user_password(id, &hash).await?;
        }
        self.user(id).await
    }

    pub async fn delete_user(&self, acting: &User, id: &str) -> Result<()> {
        if acting.id == id {
            return Err(Error::BadRequest("you cannot delete yourself".into()));
        }
        self.user(id).await?;
        if !self.store().delete_user(id).await? {
            return Err(Error::Conflict("cannot delete the last admin".into()));
        }
        Ok(())
    }

    async fn user(&self, id: &str) -> Result<User> {
        self.store()
            .user_by_id(id)
            .await?
            .map(User::from)
            .ok_or_else(|| Error::NotFound("User not found".into()))
    }

    pub async fn registration_mode(&self) -> Result<RegistrationMode> {
        match self.store().setting(REGISTRATION_MODE).await? {
            Some(value) => value.parse().map_err(Error::Internal),
            None => Ok(RegistrationMode::Open),
        }
    }

    pub async fn set_registration_mode(&self, mode: RegistrationMode) -> Result<()> {
        Ok(self
            .store()
            .set_setting(REGISTRATION_MODE, mode.as_str())
            .await?)
    }
}
