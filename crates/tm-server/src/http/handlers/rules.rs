//! Automation rules: conditions over your torrents and the actions run on
//! those that match, in the background on each rule's interval.

use axum::Json;
use axum::extract::State;
use tm_api_types::{
    ErrorBody, MessageResponse, Rule, RuleHistory, RuleHistoryQuery, RuleList, RulePreview,
    RuleRecipeList, RuleRequest, RuleRunResult,
};

use crate::core::{Core, Error};
use crate::http::extract::{ApiJson, CurrentUser};
use crate::http::params::{ApiPath, ApiQuery};

#[utoipa::path(get, path = "/rules", tag = "rules",
    responses((status = 200, body = RuleList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
) -> Result<Json<RuleList>, Error> {
    Ok(Json(RuleList {
        rules: core.list_rules(&identity.user).await?,
    }))
}

/// Create a rule. It runs in the background every `interval_seconds` while
/// enabled; each action is done at most once per torrent.
#[utoipa::path(post, path = "/rules", tag = "rules", request_body = RuleRequest,
    responses((status = 200, body = Rule), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "a server in server_ids is not yours (server_not_found)"),
        (status = 422, body = ErrorBody, description = "a field, operator, value, regex or action is invalid")))]
pub async fn create(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiJson(request): ApiJson<RuleRequest>,
) -> Result<Json<Rule>, Error> {
    Ok(Json(core.create_rule(&identity.user, request).await?))
}

/// The built-in rules, ready to `POST /rules` with default values.
#[utoipa::path(get, path = "/rules/recipes", tag = "rules",
    responses((status = 200, body = RuleRecipeList), (status = 401, body = ErrorBody)))]
pub async fn recipes(_user: CurrentUser) -> Json<RuleRecipeList> {
    Json(RuleRecipeList {
        recipes: crate::automation::recipes(),
    })
}

#[utoipa::path(get, path = "/rules/{id}", tag = "rules", params(("id" = String, Path)),
    responses((status = 200, body = Rule), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Rule>, Error> {
    Ok(Json(core.get_rule(&identity.user, &id).await?))
}

/// Replace the rule; what it already did stays recorded (and is not redone).
#[utoipa::path(put, path = "/rules/{id}", tag = "rules", params(("id" = String, Path)),
    request_body = RuleRequest,
    responses((status = 200, body = Rule), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<RuleRequest>,
) -> Result<Json<Rule>, Error> {
    Ok(Json(core.update_rule(&identity.user, &id, request).await?))
}

/// Delete the rule and its history.
#[utoipa::path(delete, path = "/rules/{id}", tag = "rules", params(("id" = String, Path)),
    responses((status = 200, body = MessageResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<MessageResponse>, Error> {
    core.delete_rule(&identity.user, &id).await?;
    Ok(Json(MessageResponse::new("Rule deleted")))
}

/// Dry run: the torrents the rule matches now and the actions each would
/// get. Nothing is changed.
#[utoipa::path(post, path = "/rules/{id}/preview", tag = "rules", params(("id" = String, Path)),
    responses((status = 200, body = RulePreview), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn preview(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RulePreview>, Error> {
    Ok(Json(core.preview_rule(&identity.user, &id).await?))
}

/// Run the rule once now (even when disabled) and answer what it did.
#[utoipa::path(post, path = "/rules/{id}/run", tag = "rules", params(("id" = String, Path)),
    responses((status = 200, body = RuleRunResult), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the rule is running")))]
pub async fn run(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RuleRunResult>, Error> {
    Ok(Json(core.run_rule_now(&identity.user, &id).await?))
}

/// What the rule did (done, failed, or held back by the removal cap), newest first.
#[utoipa::path(get, path = "/rules/{id}/history", tag = "rules",
    params(("id" = String, Path), RuleHistoryQuery),
    responses((status = 200, body = RuleHistory), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(page): ApiQuery<RuleHistoryQuery>,
) -> Result<Json<RuleHistory>, Error> {
    Ok(Json(
        core.rule_history(&identity.user, &id, page.limit, page.offset)
            .await?,
    ))
}
