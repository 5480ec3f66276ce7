//! JSON pointers into snapshot.json, built in one place: every finding's `evidence` is one of
//! these (a test resolves every pointer of the example's and the accuracy corpus's findings
//! against their snapshot.json), so the layout they name is spelt once.

use crate::error::escape_pointer_token;

/// `/iam/authorization_details/UserDetailList/<i>`: the i-th user of the authorization details.
pub fn user(i: usize) -> String {
    format!("/iam/authorization_details/UserDetailList/{i}")
}

/// `/iam/authorization_details/RoleDetailList/<i>`.
pub fn role(i: usize) -> String {
    format!("/iam/authorization_details/RoleDetailList/{i}")
}

/// `/iam/authorization_details/GroupDetailList/<i>`.
pub fn group(i: usize) -> String {
    format!("/iam/authorization_details/GroupDetailList/{i}")
}

/// `/<service>/regions/<region>`: one region's evidence of a per-region service
/// (`cloudtrail`, `cloudwatch`, `config`).
pub fn region(service: &str, region: &str) -> String {
    format!("/{service}/regions/{}", escape_pointer_token(region))
}

/// `/cloudtrail/event_history/root_activity/<region>`: one region's root events.
pub fn root_activity(region: &str) -> String {
    format!(
        "/cloudtrail/event_history/root_activity/{}",
        escape_pointer_token(region)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_tokens_are_escaped() {
        assert_eq!(region("config", "a/b~c"), "/config/regions/a~1b~0c");
        assert_eq!(user(3), "/iam/authorization_details/UserDetailList/3");
    }
}
