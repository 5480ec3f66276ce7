//! Elastic Load Balancing (v2), per region: the load balancer list, then per load balancer its
//! listeners, the rules of its plain-HTTP listeners, and its tags.

use super::*;
use crate::snapshot::elb::{Action, Elb, ElbRegion, Listener, LoadBalancer, Rule, valid_name};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LoadBalancers {
    #[serde(default)]
    load_balancers: Vec<Described>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Described {
    #[serde(default)]
    load_balancer_name: Option<String>,
    #[serde(default)]
    load_balancer_arn: Option<String>,
    #[serde(rename = "Type", default)]
    kind: Option<String>,
    #[serde(default)]
    scheme: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Listeners {
    #[serde(default)]
    listeners: Vec<ListenerDescribed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListenerDescribed {
    port: i64,
    protocol: String,
    #[serde(default)]
    ssl_policy: Option<String>,
    #[serde(default)]
    default_actions: Vec<ActionDescribed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ActionDescribed {
    #[serde(rename = "Type")]
    kind: String,
    #[serde(default)]
    redirect_config: Option<Redirect>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Redirect {
    #[serde(default)]
    protocol: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Rules {
    #[serde(default)]
    rules: Vec<RuleDescribed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RuleDescribed {
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    actions: Vec<ActionDescribed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagDescriptions {
    #[serde(default)]
    tag_descriptions: Vec<TagDescription>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagDescription {
    #[serde(default)]
    resource_arn: Option<String>,
    #[serde(default)]
    tags: Vec<Tag>,
}

fn actions(list: Vec<ActionDescribed>) -> Vec<Action> {
    list.into_iter()
        .map(|a| Action {
            kind: a.kind,
            redirect_protocol: a.redirect_config.and_then(|r| r.protocol),
        })
        .collect()
}

impl Importer<'_> {
    pub(super) fn elb(
        &mut self,
        regions: &BTreeSet<String>,
        partition: &str,
        account: &str,
    ) -> Result<Elb> {
        let lists = self.region_lists(
            regions,
            ("elb", "load_balancers"),
            |region| format!("elb/{region}/load-balancers.json"),
            |region| format!("aws elbv2 describe-load-balancers --region {region}"),
            |im, region, rel, list: LoadBalancers| {
                im.load_balancers(rel, list, (partition, region, account))
            },
        )?;
        Ok(Elb {
            regions: lists
                .into_iter()
                .map(|(region, load_balancers)| (region, ElbRegion { load_balancers }))
                .collect(),
        })
    }

    fn load_balancers(
        &mut self,
        list_file: &str,
        list: LoadBalancers,
        (partition, region, account): (&str, &str, &str),
    ) -> Result<Vec<LoadBalancer>> {
        let base = crate::snapshot::pointer::region("elb", region);
        let mut out = Vec::new();
        for (i, lb) in list.load_balancers.into_iter().enumerate() {
            // The name becomes a path and the ARN a resource: only what ELB issues goes on.
            let refused = match (&lb.load_balancer_name, &lb.load_balancer_arn) {
                (Some(name), _) if !valid_name(name) => Some((
                    "LoadBalancerName",
                    format!(
                        "{:?} is not a load balancer name (1 to 32 letters, digits and '-')",
                        crate::text::line(name)
                    ),
                )),
                (None, _) => Some(("LoadBalancerName", "missing".to_string())),
                (Some(name), Some(listed))
                    if crate::snapshot::elb::arn(listed, partition, region, account, name)
                        .is_none() =>
                {
                    Some((
                        "LoadBalancerArn",
                        format!(
                            "{:?} is not the ARN of load balancer {name} (loadbalancer/app, net or gwy/{name}/ and a hex id)",
                            crate::text::line(listed)
                        ),
                    ))
                }
                (_, None) => Some(("LoadBalancerArn", "missing".to_string())),
                _ => None,
            };
            if let Some((field, what)) = refused {
                self.refuse_entry(
                    list_file,
                    format!("/LoadBalancers/{i}/{field}"),
                    what,
                    &format!("{base}/load_balancers"),
                )?;
                continue;
            }
            let (Some(name), Some(listed)) = (lb.load_balancer_name, lb.load_balancer_arn) else {
                continue;
            };
            let Some(arn) = crate::snapshot::elb::arn(&listed, partition, region, account, &name)
            else {
                continue;
            };
            let at = format!("{base}/load_balancers/{}", out.len());
            let listeners = self.listeners(region, &name, &at)?;
            let tags_file = format!("elb/{region}/load-balancers/{name}/tags.json");
            let command =
                format!("aws elbv2 describe-tags --resource-arns {arn} --region {region}");
            let tags = match self.read_or_gap::<TagDescriptions>(
                &tags_file,
                &format!("{at}/tags"),
                &command,
            )? {
                None => None,
                // The answer names the resource it describes: tags of another resource, or
                // none at all, are not "no tags" (which would put it outside a tag scope).
                Some(t) => match t
                    .tag_descriptions
                    .into_iter()
                    .find(|d| d.resource_arn.as_deref().is_none_or(|a| a == listed))
                {
                    Some(d) => Some(d.tags.into_iter().map(|t| (t.key, t.value)).collect()),
                    None => {
                        self.gap(
                            &format!("{at}/tags"),
                            &format!("{command} ({tags_file})"),
                            format!("the answer describes no resource {listed}"),
                        );
                        None
                    }
                },
            };
            out.push(LoadBalancer {
                kind: lb.kind.unwrap_or_else(|| "application".into()),
                scheme: lb.scheme,
                name,
                arn,
                listeners,
                tags,
            });
        }
        Ok(out)
    }

    /// A load balancer's listeners, and the rules of each plain-HTTP one.
    fn listeners(&mut self, region: &str, name: &str, at: &str) -> Result<Option<Vec<Listener>>> {
        let Some(list) = self.read_or_gap::<Listeners>(
            &format!("elb/{region}/load-balancers/{name}/listeners.json"),
            &format!("{at}/listeners"),
            &format!(
                "aws elbv2 describe-listeners --load-balancer-arn (load balancer {name}) --region {region}"
            ),
        )?
        else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for (i, l) in list.listeners.into_iter().enumerate() {
            let port = l.port;
            // Only a plain-HTTP listener's rules are read: they may forward in the clear what
            // its default action redirects.
            let rules = if l.protocol.eq_ignore_ascii_case("HTTP") {
                self.read_or_gap::<Rules>(
                    &format!("elb/{region}/load-balancers/{name}/rules-{port}.json"),
                    &format!("{at}/listeners/{i}/rules"),
                    &format!(
                        "aws elbv2 describe-rules --listener-arn (listener {port} of {name}) --region {region}"
                    ),
                )?
                .map(|r| {
                    r.rules
                        .into_iter()
                        .map(|r| Rule {
                            priority: r.priority.unwrap_or_else(|| "default".into()),
                            actions: actions(r.actions),
                        })
                        .collect()
                })
            } else {
                None
            };
            out.push(Listener {
                port,
                protocol: l.protocol,
                ssl_policy: l.ssl_policy,
                default_actions: actions(l.default_actions),
                rules,
            });
        }
        Ok(Some(out))
    }
}
