//! CloudFront (global): the distribution list (behaviors, origins and certificate are in each
//! summary), then per distribution its tags.

use super::*;
use crate::snapshot::cloudfront::{Behavior, CloudFront, Distribution, Origin, valid_id};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListDistributions {
    distribution_list: DistributionList,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DistributionList {
    #[serde(default)]
    items: Vec<Summary>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Summary {
    id: String,
    #[serde(default)]
    domain_name: String,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    origins: Option<Items<OriginBody>>,
    default_cache_behavior: BehaviorBody,
    #[serde(default)]
    cache_behaviors: Option<Items<BehaviorBody>>,
    #[serde(default)]
    viewer_certificate: Option<Certificate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Items<T> {
    #[serde(default = "Vec::new")]
    items: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OriginBody {
    id: String,
    #[serde(default)]
    domain_name: String,
    #[serde(default)]
    custom_origin_config: Option<CustomOrigin>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CustomOrigin {
    origin_protocol_policy: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BehaviorBody {
    #[serde(default)]
    path_pattern: Option<String>,
    #[serde(default)]
    target_origin_id: String,
    viewer_protocol_policy: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Certificate {
    #[serde(default)]
    cloud_front_default_certificate: Option<bool>,
    #[serde(default)]
    minimum_protocol_version: Option<String>,
    #[serde(rename = "ACMCertificateArn", default)]
    acm_certificate_arn: Option<String>,
    #[serde(rename = "IAMCertificateId", default)]
    iam_certificate_id: Option<String>,
}

impl Certificate {
    /// The `*.cloudfront.net` certificate: flagged, and no certificate of the account named
    /// (CloudFront takes one or the other; a named one is what viewers are served).
    fn is_default(&self) -> bool {
        let named = |c: &Option<String>| c.as_deref().is_some_and(|c| !c.is_empty());
        self.cloud_front_default_certificate.unwrap_or(false)
            && !named(&self.acm_certificate_arn)
            && !named(&self.iam_certificate_id)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListTags {
    tags: Items<Tag>,
}

impl Importer<'_> {
    pub(super) fn cloudfront(&mut self, partition: &str, account: &str) -> Result<CloudFront> {
        const LIST: &str = "cloudfront/distributions.json";
        let Some(list) = self.read_or_gap::<ListDistributions>(
            LIST,
            "/cloudfront/distributions",
            "aws cloudfront list-distributions",
        )?
        else {
            return Ok(CloudFront::default());
        };
        let mut out = Vec::new();
        for (i, d) in list.distribution_list.items.into_iter().enumerate() {
            // The id becomes a path and an ARN: only what CloudFront issues goes further.
            if !valid_id(&d.id) {
                self.refuse_entry(
                    LIST,
                    format!("/DistributionList/Items/{i}/Id"),
                    format!(
                        "{:?} is not a CloudFront distribution id (upper-case letters and digits)",
                        crate::text::line(&d.id)
                    ),
                    "/cloudfront/distributions",
                )?;
                continue;
            }
            let id = d.id;
            let arn = format!("arn:{partition}:cloudfront::{account}:distribution/{id}");
            let tags = self
                .read_or_gap::<ListTags>(
                    &format!("cloudfront/distributions/{id}/tags.json"),
                    &format!("/cloudfront/distributions/{}/tags", out.len()),
                    &format!("aws cloudfront list-tags-for-resource --resource {arn}"),
                )?
                .map(|t| t.tags.items.into_iter().map(|t| (t.key, t.value)).collect());
            let behavior = |b: BehaviorBody, default: bool| Behavior {
                path: match (default, b.path_pattern) {
                    (true, _) | (false, None) => "*".to_string(),
                    (false, Some(p)) => crate::text::line(&p).to_string(),
                },
                viewer_protocol: b.viewer_protocol_policy,
                origin: crate::text::line(&b.target_origin_id).to_string(),
            };
            let mut behaviors = vec![behavior(d.default_cache_behavior, true)];
            behaviors.extend(
                d.cache_behaviors
                    .map(|c| c.items)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|b| behavior(b, false)),
            );
            let certificate = d.viewer_certificate;
            out.push(Distribution {
                arn,
                domain: crate::text::line(&d.domain_name).to_string(),
                enabled: d.enabled,
                behaviors,
                origins: d
                    .origins
                    .map(|o| o.items)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|o| Origin {
                        id: crate::text::line(&o.id).to_string(),
                        domain: crate::text::line(&o.domain_name).to_string(),
                        protocol: o.custom_origin_config.map(|c| c.origin_protocol_policy),
                    })
                    .collect(),
                default_certificate: certificate.as_ref().is_some_and(Certificate::is_default),
                min_protocol: certificate.and_then(|c| c.minimum_protocol_version),
                tags,
                id,
            });
        }
        Ok(CloudFront {
            distributions: Some(out),
        })
    }
}
