//! EC2, per region: EBS encryption by default, the volumes, the instances, the VPCs and their
//! flow logs (each one list call per region).

use super::*;
use crate::snapshot::ec2::{Ec2, Ec2Region, FlowLog, Instance, Volume, Vpc, valid_id};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EncryptionByDefault {
    ebs_encryption_by_default: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Volumes {
    #[serde(default)]
    volumes: Vec<VolumeBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VolumeBody {
    volume_id: String,
    #[serde(default)]
    encrypted: Option<bool>,
    #[serde(default)]
    kms_key_id: Option<String>,
    #[serde(default)]
    attachments: Vec<Attachment>,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Attachment {
    #[serde(default)]
    instance_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Reservations {
    #[serde(default)]
    reservations: Vec<Reservation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Reservation {
    #[serde(default)]
    instances: Vec<InstanceBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InstanceBody {
    instance_id: String,
    #[serde(default)]
    vpc_id: Option<String>,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vpcs {
    #[serde(default)]
    vpcs: Vec<VpcBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VpcBody {
    vpc_id: String,
    #[serde(default)]
    is_default: Option<bool>,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FlowLogs {
    #[serde(default)]
    flow_logs: Vec<FlowLogBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FlowLogBody {
    #[serde(default)]
    flow_log_id: String,
    #[serde(default)]
    resource_id: String,
    #[serde(default)]
    flow_log_status: Option<String>,
    #[serde(default)]
    traffic_type: Option<String>,
}

fn pairs(tags: Vec<Tag>) -> Vec<(String, String)> {
    tags.into_iter().map(|t| (t.key, t.value)).collect()
}

impl Importer<'_> {
    pub(super) fn ec2(
        &mut self,
        regions: &BTreeSet<String>,
        partition: &str,
        account: &str,
    ) -> Result<Ec2> {
        let mut by_default = self.region_lists(
            regions,
            ("ec2", "ebs_encryption_by_default"),
            |region| format!("ec2/{region}/ebs-encryption-by-default.json"),
            |region| format!("aws ec2 get-ebs-encryption-by-default --region {region}"),
            |_, _, _, e: EncryptionByDefault| Ok(e.ebs_encryption_by_default),
        )?;
        let mut volumes = self.region_lists(
            regions,
            ("ec2", "volumes"),
            |region| format!("ec2/{region}/volumes.json"),
            |region| format!("aws ec2 describe-volumes --region {region}"),
            |im, region, rel, list: Volumes| im.volumes(rel, list, (partition, region, account)),
        )?;
        let mut instances = self.region_lists(
            regions,
            ("ec2", "instances"),
            |region| format!("ec2/{region}/instances.json"),
            |region| format!("aws ec2 describe-instances --region {region}"),
            |im, region, rel, list: Reservations| {
                im.instances(rel, list, (partition, region, account))
            },
        )?;
        let mut vpcs = self.region_lists(
            regions,
            ("ec2", "vpcs"),
            |region| format!("ec2/{region}/vpcs.json"),
            |region| format!("aws ec2 describe-vpcs --region {region}"),
            |im, region, rel, list: Vpcs| im.vpcs(rel, list, (partition, region, account)),
        )?;
        let flow_logs = self.region_lists(
            regions,
            ("ec2", "flow_logs"),
            |region| format!("ec2/{region}/flow-logs.json"),
            |region| format!("aws ec2 describe-flow-logs --region {region}"),
            |_, _, _, list: FlowLogs| {
                Ok(list
                    .flow_logs
                    .into_iter()
                    .map(|f| FlowLog {
                        id: crate::text::line(&f.flow_log_id).to_string(),
                        resource: crate::text::line(&f.resource_id).to_string(),
                        status: f.flow_log_status,
                        traffic: f.traffic_type,
                    })
                    .collect())
            },
        )?;
        Ok(Ec2 {
            regions: flow_logs
                .into_iter()
                .map(|(region, flow_logs)| {
                    let r = Ec2Region {
                        ebs_encryption_by_default: by_default.remove(&region).flatten(),
                        volumes: volumes.remove(&region).flatten(),
                        instances: instances.remove(&region).flatten(),
                        vpcs: vpcs.remove(&region).flatten(),
                        flow_logs,
                    };
                    (region, r)
                })
                .collect(),
        })
    }

    /// Refuses an id EC2 would not issue (it becomes an ARN and a message); `true` to keep it.
    fn ec2_id(
        &mut self,
        (prefix, what): (&str, &str),
        id: &str,
        rel: &str,
        at: String,
        gap: &str,
    ) -> Result<bool> {
        if valid_id(prefix, id) {
            return Ok(true);
        }
        self.refuse_entry(
            rel,
            at,
            format!(
                "{:?} is not an EC2 {what} id ({prefix}- and hex digits)",
                crate::text::line(id)
            ),
            gap,
        )?;
        Ok(false)
    }

    fn volumes(
        &mut self,
        rel: &str,
        list: Volumes,
        (partition, region, account): (&str, &str, &str),
    ) -> Result<Vec<Volume>> {
        let gap = format!(
            "{}/volumes",
            crate::snapshot::pointer::region("ec2", region)
        );
        let mut out = Vec::new();
        for (i, v) in list.volumes.into_iter().enumerate() {
            if !self.ec2_id(
                ("vol", "volume"),
                &v.volume_id,
                rel,
                format!("/Volumes/{i}/VolumeId"),
                &gap,
            )? {
                continue;
            }
            out.push(Volume {
                arn: format!(
                    "arn:{partition}:ec2:{region}:{account}:volume/{}",
                    v.volume_id
                ),
                id: v.volume_id,
                encrypted: v.encrypted,
                kms_key: v.kms_key_id.filter(|k| !k.is_empty()),
                attached_to: v
                    .attachments
                    .into_iter()
                    .filter_map(|a| a.instance_id)
                    .filter(|id| valid_id("i", id))
                    .collect(),
                tags: pairs(v.tags),
            });
        }
        Ok(out)
    }

    fn instances(
        &mut self,
        rel: &str,
        list: Reservations,
        (partition, region, account): (&str, &str, &str),
    ) -> Result<Vec<Instance>> {
        let gap = format!(
            "{}/instances",
            crate::snapshot::pointer::region("ec2", region)
        );
        let mut out = Vec::new();
        for (r, reservation) in list.reservations.into_iter().enumerate() {
            for (i, inst) in reservation.instances.into_iter().enumerate() {
                let at = format!("/Reservations/{r}/Instances/{i}/InstanceId");
                if !self.ec2_id(("i", "instance"), &inst.instance_id, rel, at, &gap)? {
                    continue;
                }
                out.push(Instance {
                    arn: format!(
                        "arn:{partition}:ec2:{region}:{account}:instance/{}",
                        inst.instance_id
                    ),
                    id: inst.instance_id,
                    vpc: inst.vpc_id.filter(|v| valid_id("vpc", v)),
                    tags: pairs(inst.tags),
                });
            }
        }
        Ok(out)
    }

    fn vpcs(
        &mut self,
        rel: &str,
        list: Vpcs,
        (partition, region, account): (&str, &str, &str),
    ) -> Result<Vec<Vpc>> {
        let gap = format!("{}/vpcs", crate::snapshot::pointer::region("ec2", region));
        let mut out = Vec::new();
        for (i, v) in list.vpcs.into_iter().enumerate() {
            if !self.ec2_id(
                ("vpc", "VPC"),
                &v.vpc_id,
                rel,
                format!("/Vpcs/{i}/VpcId"),
                &gap,
            )? {
                continue;
            }
            out.push(Vpc {
                arn: format!("arn:{partition}:ec2:{region}:{account}:vpc/{}", v.vpc_id),
                id: v.vpc_id,
                is_default: v.is_default.unwrap_or(false),
                tags: pairs(v.tags),
            });
        }
        Ok(out)
    }
}
