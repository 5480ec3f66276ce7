//! `safeguard run --org`: every member account of the organization, its roll-up, and the
//! delivery of each package.

use super::{AwsArgs, FailOn, OrgArgs, OutputArgs, fail_on_status};
use crate::error::Result;

pub(super) fn run_org(aws: AwsArgs, org: OrgArgs, out: OutputArgs, fail_on: FailOn) -> Result<i32> {
    let mut options = out.options();
    if options.previous.is_some() {
        return Err(crate::error::Error::Usage(
            "--previous names one account's package; with --org use --history DIR (each account's newest earlier package there)".into(),
        ));
    }
    let mut org_options = org.options()?;
    // Each account's inputs are read by the run; only `sign:` is needed here.
    let from_config = match &options.config {
        Some(path) => crate::inputs::config::load(path)?.sign,
        None => None,
    };
    let mut delivery = out.delivery.delivery(
        aws.profile.as_deref(),
        aws.region.as_deref(),
        from_config.as_ref(),
    )?;
    // Each member's findings go to its own Security Hub, with the role the run assumed there,
    // not with the hub's credentials the packages are delivered with.
    org_options.security_hub = delivery.security_hub.take().map(|h| h.selection);
    options.signed_by = delivery.signer.as_ref().map(|s| s.key_id());
    let quiet = out.quiet || aws.quiet_collect;
    let run = crate::org::run::run_org(&aws.options()?, &org_options, &options, &|line| {
        // Account and OU names are the organization's text: one line each, inert.
        if !quiet {
            eprintln!("{}", crate::text::line(line));
        }
    })?;
    let failed = run.outcomes.iter().filter(|o| o.result.is_err()).count();
    let assessed = run.outcomes.len() - failed;
    if out.quiet {
        match &run.rollup {
            Some((dir, _)) => crate::say!("{}", dir.display()),
            None => crate::say!("{}", run.ledger.display()),
        }
    } else {
        crate::say!(
            "organization {}: {assessed} account(s) assessed, {failed} not assessed, {} skipped, in {:.1} s with {} API call(s)",
            run.organization,
            run.skipped.len(),
            run.elapsed.as_secs_f64(),
            run.calls.values().sum::<usize>()
        );
        for o in run.outcomes.iter().filter(|o| o.result.is_err()) {
            if let Err(why) = &o.result {
                crate::say!("  NOT ASSESSED {}: {why}", o.account);
            }
        }
        crate::say!("run ledger: {}", run.ledger.display());
        match &run.rollup {
            Some((dir, _)) => crate::say!("organization roll-up: {}", dir.display()),
            None => crate::say!(
                "shard done; combine the shards with `safeguard aggregate {} -o {}`",
                options.output.display(),
                options
                    .output
                    .join(format!("org-{}", run.organization))
                    .display()
            ),
        }
    }
    // Sign and upload every package written, then the roll-up; one that fails does not
    // stop the others, and the run exits 4 naming them.
    let mut undelivered = Vec::new();
    let rollup_folder = format!("org-{}", run.organization);
    let written = run
        .outcomes
        .iter()
        .filter_map(|o| {
            o.result
                .as_ref()
                .ok()
                .map(|a| (a.package.clone(), o.account.clone()))
        })
        .chain(
            run.rollup
                .iter()
                .map(|(dir, _)| (dir.clone(), rollup_folder.clone())),
        );
    for (dir, folder) in written {
        if let Err(e) = delivery.deliver(&dir, &folder, None, out.quiet) {
            undelivered.push(e.to_string());
        }
    }
    for o in &run.outcomes {
        match o.result.as_ref().ok().and_then(|a| a.security_hub.as_ref()) {
            Some(Ok(report)) => {
                super::delivery::say_imported(report, out.quiet);
                if let Some(e) = report.failure() {
                    undelivered.push(format!("{}: {e}", o.account));
                }
            }
            Some(Err(why)) => undelivered.push(format!("{}: Security Hub: {why}", o.account)),
            None => {}
        }
    }
    if !undelivered.is_empty() {
        return Err(crate::error::Error::Delivery(undelivered.join("\n")));
    }
    let worst_allowed = fail_on_status(fail_on);
    let any_fail = run.outcomes.iter().any(|o| match &o.result {
        Ok(a) => {
            worst_allowed.is_some_and(|w| a.worst <= w)
                || (a.collection_gaps > 0 && fail_on != FailOn::Never)
        }
        Err(_) => fail_on != FailOn::Never,
    });
    Ok(i32::from(any_fail))
}
