//! Automation rules: conditions over your torrents and the actions run on
//! those that match, in the background and on demand.

use reqwest::Method;
use tm_api_types::{
    MessageResponse, Rule, RuleHistory, RuleHistoryQuery, RuleList, RulePreview, RuleRecipe,
    RuleRecipeList, RuleRequest, RuleRunResult,
};

use crate::{Client, Error};

impl Client {
    /// Your rules.
    pub async fn rules(&self) -> Result<Vec<Rule>, Error> {
        let list: RuleList = self.call(self.request(Method::GET, &["rules"])?).await?;
        Ok(list.rules)
    }

    pub async fn rule(&self, id: &str) -> Result<Rule, Error> {
        self.call(self.request(Method::GET, &["rules", id])?).await
    }

    /// Creates a rule; it runs every `interval_seconds` while enabled. A
    /// recipe's rule is a ready request:
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// let recipes = client.rule_recipes().await?;
    /// if let Some(recipe) = recipes.iter().find(|r| r.id == "stop_at_seeding_goal") {
    ///     let rule = client.create_rule(&recipe.rule).await?;
    ///     println!("{} would act on {} torrents", rule.name, client.preview_rule(&rule.id).await?.total);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn create_rule(&self, rule: &RuleRequest) -> Result<Rule, Error> {
        self.call(self.request(Method::POST, &["rules"])?.json(rule))
            .await
    }

    /// Replaces the rule as a whole; what it already did stays recorded
    /// (and is not redone).
    pub async fn update_rule(&self, id: &str, rule: &RuleRequest) -> Result<Rule, Error> {
        self.call(self.request(Method::PUT, &["rules", id])?.json(rule))
            .await
    }

    /// Deletes the rule and its history.
    pub async fn delete_rule(&self, id: &str) -> Result<MessageResponse, Error> {
        self.call(self.request(Method::DELETE, &["rules", id])?)
            .await
    }

    /// The torrents the rule matches now and the actions each would get;
    /// nothing is changed.
    pub async fn preview_rule(&self, id: &str) -> Result<RulePreview, Error> {
        self.call(self.request(Method::POST, &["rules", id, "preview"])?)
            .await
    }

    /// Runs the rule once now, even when disabled, and answers what it did;
    /// [`Error::Conflict`] while it is already running.
    pub async fn run_rule(&self, id: &str) -> Result<RuleRunResult, Error> {
        self.call(self.request(Method::POST, &["rules", id, "run"])?)
            .await
    }

    /// One page of what the rule did, failed to do, or held back, newest first.
    pub async fn rule_history(
        &self,
        id: &str,
        query: &RuleHistoryQuery,
    ) -> Result<RuleHistory, Error> {
        self.call(
            self.request(Method::GET, &["rules", id, "history"])?
                .query(query),
        )
        .await
    }

    /// The built-in rules, each ready for [`Client::create_rule`].
    pub async fn rule_recipes(&self) -> Result<Vec<RuleRecipe>, Error> {
        let list: RuleRecipeList = self
            .call(self.request(Method::GET, &["rules", "recipes"])?)
            .await?;
        Ok(list.recipes)
    }
}
