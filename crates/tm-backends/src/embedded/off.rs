//! The engine's API in a build without it: nothing starts.

use super::{EngineError, EngineOptions, NOT_BUILT};

/// No engine runs in this build: no value of this type exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineHandle(std::convert::Infallible);

impl EngineHandle {
    pub fn for_user(&self, _user_id: &str) -> Result<EngineHandle, EngineError> {
        match self.0 {}
    }
}

/// No engine runs in this build.
#[derive(Debug)]
pub struct Engine(std::convert::Infallible);

impl Engine {
    pub async fn start(_options: EngineOptions) -> Result<Engine, EngineError> {
        Err(EngineError(NOT_BUILT.to_owned()))
    }

    pub fn handle(&self) -> EngineHandle {
        match self.0 {}
    }

    pub fn listen_port(&self) -> Option<u16> {
        match self.0 {}
    }

    pub async fn shutdown(self) {
        match self.0 {}
    }
}
