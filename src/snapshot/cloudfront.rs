//! CloudFront (global): the distributions, each with what decides whether ePHI crosses the
//! network encrypted: the viewer protocol of every cache behavior, the lowest TLS version its
//! certificate accepts, how it fetches from each origin, and the tags that place it in the PHI
//! scope.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CloudFront {
    /// `cloudfront list-distributions`, each with its tags; `None`: not in the evidence.
    #[serde(default)]
    pub distributions: Option<Vec<Distribution>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Distribution {
    pub id: String,
    pub arn: String,
    /// `*.cloudfront.net`, as CloudFront names it.
    pub domain: String,
    #[serde(default)]
    pub enabled: Option<bool>,
    /// The default cache behavior first (path `*`), then the others in order.
    pub behaviors: Vec<Behavior>,
    pub origins: Vec<Origin>,
    /// `ViewerCertificate.CloudFrontDefaultCertificate`: the `*.cloudfront.net` certificate,
    /// which accepts TLS 1.0 whatever the minimum protocol says.
    #[serde(default)]
    pub default_certificate: bool,
    /// `ViewerCertificate.MinimumProtocolVersion` (`TLSv1.2_2021`, …).
    #[serde(default)]
    pub min_protocol: Option<String>,
    /// `list-tags-for-resource`; `None`: not in the evidence.
    #[serde(default)]
    pub tags: Option<Vec<(String, String)>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Behavior {
    pub path: String,
    /// `allow-all`, `redirect-to-https` or `https-only`.
    pub viewer_protocol: String,
    /// The origin it forwards to (`TargetOriginId`).
    pub origin: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Origin {
    pub id: String,
    pub domain: String,
    /// `CustomOriginConfig.OriginProtocolPolicy` (`http-only`, `match-viewer`, `https-only`);
    /// `None` for an S3 origin, which CloudFront reaches with the viewer's protocol.
    #[serde(default)]
    pub protocol: Option<String>,
}

/// CloudFront's viewer security policies, oldest first: the order `min_protocol` compares in
/// (docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html).
pub const PROTOCOLS: [&str; 9] = [
    "SSLv3",
    "TLSv1",
    "TLSv1_2016",
    "TLSv1.1_2016",
    "TLSv1.2_2018",
    "TLSv1.2_2019",
    "TLSv1.2_2021",
    "TLSv1.2_2025",
    "TLSv1.3_2025",
];

/// Whether `id` is a distribution id as CloudFront issues them (upper-case letters and digits):
/// the only ids that become paths, ARNs and messages.
pub fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_issued_ids_are_valid() {
        assert!(valid_id("E2QWRUHAPOMQZL"));
        for bad in ["", "e2qwru", "E2/../X", "E2 QW", &"E".repeat(65)] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
