//! Checks on the CloudFront distributions within the PHI scope: TLS from viewers to
//! CloudFront and from CloudFront to the origins.

crate::checks::register! {
    https_only,
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::snapshot::cloudfront::{Behavior, CloudFront, Distribution, Origin};

    /// An enabled distribution tagged `phi=true`: HTTPS only, a custom certificate on
    /// TLSv1.2_2021, one custom origin reached over HTTPS.
    pub(crate) fn distribution(id: &str) -> Distribution {
        Distribution {
            id: id.into(),
            arn: format!("arn:aws:cloudfront::123456789012:distribution/{id}"),
            domain: "d111111abcdef8.cloudfront.net".into(),
            enabled: Some(true),
            behaviors: vec![Behavior {
                path: "*".into(),
                viewer_protocol: "redirect-to-https".into(),
                origin: "portal".into(),
            }],
            origins: vec![Origin {
                id: "portal".into(),
                domain: "portal.example.org".into(),
                protocol: Some("https-only".into()),
            }],
            default_certificate: false,
            min_protocol: Some("TLSv1.2_2021".into()),
            tags: Some(vec![("phi".into(), "true".into())]),
        }
    }

    pub(crate) fn cloudfront(list: Vec<Distribution>) -> CloudFront {
        CloudFront {
            distributions: Some(list),
        }
    }
}
