//! AWS Config per region: recorders, their status, delivery channels and the channels' last
//! delivery.

use super::*;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RecordersFile {
    pub(super) configuration_recorders: Vec<ConfigurationRecorder>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RecorderStatusFile {
    pub(super) configuration_recorders_status: Vec<RecorderStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct DeliveryChannelsFile {
    pub(super) delivery_channels: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct DeliveryChannelStatusFile {
    pub(super) delivery_channels_status: Vec<Value>,
}

impl Importer<'_> {
    pub(super) fn config(&mut self, regions: &BTreeSet<String>) -> Result<ConfigService> {
        let mut cfg = ConfigService::default();
        for region in regions {
            let base = crate::snapshot::pointer::region("config", region);
            let recorders = self
                .read_or_gap::<RecordersFile>(
                    &format!("config/{region}/configuration-recorders.json"),
                    &format!("{base}/recorders"),
                    &format!(
                        "aws configservice describe-configuration-recorders --region {region}"
                    ),
                )?
                .map(|f| f.configuration_recorders);
            let recorder_statuses = self
                .read_or_gap::<RecorderStatusFile>(
                    &format!("config/{region}/configuration-recorder-status.json"),
                    &format!("{base}/recorder_statuses"),
                    &format!(
                        "aws configservice describe-configuration-recorder-status --region {region}"
                    ),
                )?
                .map(|f| f.configuration_recorders_status);
            let delivery_channels = self
                .read_or_gap::<DeliveryChannelsFile>(
                    &format!("config/{region}/delivery-channels.json"),
                    &format!("{base}/delivery_channels"),
                    &format!("aws configservice describe-delivery-channels --region {region}"),
                )?
                .map(|f| f.delivery_channels);
            let delivery_channel_statuses = self
                .read_or_gap::<DeliveryChannelStatusFile>(
                    &format!("config/{region}/delivery-channel-status.json"),
                    &format!("{base}/delivery_channel_statuses"),
                    &format!(
                        "aws configservice describe-delivery-channel-status --region {region}"
                    ),
                )?
                .map(|f| f.delivery_channels_status);
            cfg.regions.insert(
                region.clone(),
                ConfigRegion {
                    recorders,
                    recorder_statuses,
                    delivery_channels,
                    delivery_channel_statuses,
                },
            );
        }
        Ok(cfg)
    }
}
