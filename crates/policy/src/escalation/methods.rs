//! The escalation methods: the compute services that run code under a role, the IAM methods,
//! the kinds of "can become" edge they make, and the action ids they are judged on.

use super::*;

/// A way to become a role by handing it to (or reaching it inside) a service that runs code.
#[derive(Debug)]
pub struct ComputeMethod {
    pub id: &'static str,
    /// The service principal the role must trust.
    pub service: &'static str,
    /// Actions needed besides `iam:PassRole` (all of them, on some resource).
    pub actions: &'static [&'static str],
    /// Whether `iam:PassRole` on the role is needed (false: the method reaches roles already
    /// in use by existing resources, e.g. updating a Lambda function's code).
    pub pass_role: bool,
}

/// The compute-service methods, the classic ones and the PassRole combinations catalogued by
/// the community since.
pub const COMPUTE_METHODS: &[ComputeMethod] = &[
    ComputeMethod {
        id: "passrole_ec2_run_instances",
        service: "ec2.amazonaws.com",
        actions: &["ec2:RunInstances"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_ec2_spot_instances",
        service: "ec2.amazonaws.com",
        actions: &["ec2:RequestSpotInstances"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_ec2_associate_profile",
        service: "ec2.amazonaws.com",
        actions: &["ec2:AssociateIamInstanceProfile"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_autoscaling",
        service: "ec2.amazonaws.com",
        actions: &[
            "autoscaling:CreateLaunchConfiguration",
            "autoscaling:CreateAutoScalingGroup",
        ],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_lambda_invoke",
        service: "lambda.amazonaws.com",
        actions: &["lambda:CreateFunction", "lambda:InvokeFunction"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_lambda_event_source",
        service: "lambda.amazonaws.com",
        actions: &["lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_lambda_url",
        service: "lambda.amazonaws.com",
        actions: &["lambda:CreateFunction", "lambda:CreateFunctionUrlConfig"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_glue_dev_endpoint",
        service: "glue.amazonaws.com",
        actions: &["glue:CreateDevEndpoint"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_glue_job",
        service: "glue.amazonaws.com",
        actions: &["glue:CreateJob", "glue:StartJobRun"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_cloudformation",
        service: "cloudformation.amazonaws.com",
        actions: &["cloudformation:CreateStack"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_datapipeline",
        service: "datapipeline.amazonaws.com",
        actions: &[
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_codebuild",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:CreateProject", "codebuild:StartBuild"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_ecs_run_task",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_ecs_service",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:RegisterTaskDefinition", "ecs:CreateService"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_sagemaker_notebook",
        service: "sagemaker.amazonaws.com",
        actions: &[
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_sagemaker_training",
        service: "sagemaker.amazonaws.com",
        actions: &["sagemaker:CreateTrainingJob"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_sagemaker_processing",
        service: "sagemaker.amazonaws.com",
        actions: &["sagemaker:CreateProcessingJob"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_apprunner",
        service: "tasks.apprunner.amazonaws.com",
        actions: &["apprunner:CreateService"],
        pass_role: true,
    },
    ComputeMethod {
        id: "lambda_update_function_code",
        service: "lambda.amazonaws.com",
        actions: &["lambda:UpdateFunctionCode"],
        pass_role: false,
    },
    ComputeMethod {
        id: "glue_update_dev_endpoint",
        service: "glue.amazonaws.com",
        actions: &["glue:UpdateDevEndpoint"],
        pass_role: false,
    },
    ComputeMethod {
        id: "ssm_send_command",
        service: "ec2.amazonaws.com",
        actions: &["ssm:SendCommand"],
        pass_role: false,
    },
    ComputeMethod {
        id: "ssm_start_session",
        service: "ec2.amazonaws.com",
        actions: &["ssm:StartSession"],
        pass_role: false,
    },
    ComputeMethod {
        id: "codebuild_start_build",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:StartBuild"],
        pass_role: false,
    },
    ComputeMethod {
        id: "ecs_execute_command",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:ExecuteCommand"],
        pass_role: false,
    },
    // Stacks already run by a CloudFormation service role: an update runs as that role.
    // (`SetStackPolicy` only lifts a stack's own update protection; it needs one of these.)
    ComputeMethod {
        id: "cloudformation_update_stack",
        service: "cloudformation.amazonaws.com",
        actions: &["cloudformation:UpdateStack"],
        pass_role: false,
    },
    ComputeMethod {
        id: "cloudformation_execute_change_set",
        service: "cloudformation.amazonaws.com",
        actions: &[
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet",
        ],
        pass_role: false,
    },
    // Instances whose instance profile carries the role: a shell on one is the role.
    ComputeMethod {
        id: "ec2_instance_connect",
        service: "ec2.amazonaws.com",
        actions: &["ec2-instance-connect:SendSSHPublicKey"],
        pass_role: false,
    },
    ComputeMethod {
        id: "ec2_serial_console",
        service: "ec2.amazonaws.com",
        actions: &["ec2-instance-connect:SendSerialConsoleSSHPublicKey"],
        pass_role: false,
    },
    ComputeMethod {
        id: "sagemaker_presigned_notebook_url",
        service: "sagemaker.amazonaws.com",
        actions: &["sagemaker:CreatePresignedNotebookInstanceUrl"],
        pass_role: false,
    },
    ComputeMethod {
        id: "codebuild_update_project",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:UpdateProject"],
        pass_role: false,
    },
    // The rest of DataDog's pathfinding.cloud single-account catalog (its ids in brackets).
    // [apprunner-002] An existing service's image or start command replaced: it runs as the
    // service's instance role.
    ComputeMethod {
        id: "apprunner_update_service",
        service: "tasks.apprunner.amazonaws.com",
        actions: &["apprunner:UpdateService"],
        pass_role: false,
    },
    // [bedrock-001] A code interpreter created with a passed execution role, then code run in
    // a session of it.
    ComputeMethod {
        id: "passrole_bedrock_code_interpreter",
        service: "bedrock-agentcore.amazonaws.com",
        actions: &[
            "bedrock-agentcore:CreateCodeInterpreter",
            "bedrock-agentcore:StartCodeInterpreterSession",
            "bedrock-agentcore:InvokeCodeInterpreter",
        ],
        pass_role: true,
    },
    // [bedrock-002] A session on an existing code interpreter, which runs as its role.
    ComputeMethod {
        id: "bedrock_code_interpreter_session",
        service: "bedrock-agentcore.amazonaws.com",
        actions: &[
            "bedrock-agentcore:StartCodeInterpreterSession",
            "bedrock-agentcore:InvokeCodeInterpreter",
        ],
        pass_role: false,
    },
    // [cloudformation-003] A stack set with a passed administration role, deployed to this
    // account.
    ComputeMethod {
        id: "passrole_cloudformation_stackset",
        service: "cloudformation.amazonaws.com",
        actions: &[
            "cloudformation:CreateStackSet",
            "cloudformation:CreateStackInstances",
        ],
        pass_role: true,
    },
    // [cloudformation-004] An existing stack set updated with a passed role and a new template.
    ComputeMethod {
        id: "passrole_cloudformation_update_stackset",
        service: "cloudformation.amazonaws.com",
        actions: &["cloudformation:UpdateStackSet"],
        pass_role: true,
    },
    // [codebuild-003] A batch build of an existing project runs as its service role.
    ComputeMethod {
        id: "codebuild_start_build_batch",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:StartBuildBatch"],
        pass_role: false,
    },
    // [codebuild-004]
    ComputeMethod {
        id: "passrole_codebuild_batch",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:CreateProject", "codebuild:StartBuildBatch"],
        pass_role: true,
    },
    // [ec2-002] An instance's user data rewritten while it is stopped: it runs as the
    // instance's profile role at the next start.
    ComputeMethod {
        id: "ec2_modify_user_data",
        service: "ec2.amazonaws.com",
        actions: &[
            "ec2:ModifyInstanceAttribute",
            "ec2:StopInstances",
            "ec2:StartInstances",
        ],
        pass_role: false,
    },
    // [ec2-004] A new launch-template version made the default: instances an Auto Scaling
    // group launches from it run its user data under an instance profile (the service's
    // launch, not the caller's, checks the role).
    ComputeMethod {
        id: "ec2_launch_template_version",
        service: "ec2.amazonaws.com",
        actions: &[
            "ec2:CreateLaunchTemplateVersion",
            "ec2:ModifyLaunchTemplate",
        ],
        pass_role: false,
    },
    // [ecs-005]
    ComputeMethod {
        id: "passrole_ecs_start_task",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:RegisterTaskDefinition", "ecs:StartTask"],
        pass_role: true,
    },
    // [ecs-008 in pathfinding-labs] An existing task definition run with a task-role
    // override (and a command override).
    ComputeMethod {
        id: "passrole_ecs_run_task_override",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:RunTask"],
        pass_role: true,
    },
    // [ecs-009 in pathfinding-labs; ecs-007 adds RegisterContainerInstance] The same with
    // StartTask on a container instance.
    ComputeMethod {
        id: "passrole_ecs_start_task_override",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:StartTask"],
        pass_role: true,
    },
    // [glue-004]
    ComputeMethod {
        id: "passrole_glue_trigger",
        service: "glue.amazonaws.com",
        actions: &["glue:CreateJob", "glue:CreateTrigger"],
        pass_role: true,
    },
    // [glue-005] An existing job given a passed role and a new script.
    ComputeMethod {
        id: "passrole_glue_update_job",
        service: "glue.amazonaws.com",
        actions: &["glue:UpdateJob", "glue:StartJobRun"],
        pass_role: true,
    },
    // [glue-006]
    ComputeMethod {
        id: "passrole_glue_update_job_trigger",
        service: "glue.amazonaws.com",
        actions: &["glue:UpdateJob", "glue:CreateTrigger"],
        pass_role: true,
    },
    // [glue-007 in pathfinding-labs] An interactive session with a passed role, then code run
    // in it.
    ComputeMethod {
        id: "passrole_glue_session",
        service: "glue.amazonaws.com",
        actions: &["glue:CreateSession", "glue:RunStatement"],
        pass_role: true,
    },
    // [sagemaker-005] A lifecycle configuration attached to a stopped notebook instance: its
    // script runs as the notebook's role at the next start.
    ComputeMethod {
        id: "sagemaker_notebook_lifecycle_config",
        service: "sagemaker.amazonaws.com",
        actions: &[
            "sagemaker:CreateNotebookInstanceLifecycleConfig",
            "sagemaker:StopNotebookInstance",
            "sagemaker:UpdateNotebookInstance",
            "sagemaker:StartNotebookInstance",
        ],
        pass_role: false,
    },
    // [lambda-006] A function created with a passed role, invoked through a resource policy
    // the caller adds, not through lambda:InvokeFunction.
    ComputeMethod {
        id: "passrole_lambda_add_permission",
        service: "lambda.amazonaws.com",
        actions: &["lambda:CreateFunction", "lambda:AddPermission"],
        pass_role: true,
    },
];

impl ComputeMethod {
    /// Methods without `iam:PassRole` reach a role only through a resource that may already
    /// exist (a function, stack, instance, notebook, project): such a path is *possible*, not
    /// proven, since the resources themselves are not in the evidence.
    pub fn through_existing_resource(&self) -> bool {
        !self.pass_role
    }

    /// EC2 methods without PassRole reach only roles that have an instance profile.
    pub fn needs_instance_profile(&self) -> bool {
        !self.pass_role && self.service == "ec2.amazonaws.com"
    }
}

/// Every method id the graph uses, for documentation and tests.
pub const IAM_METHODS: &[&str] = &[
    "assume_role",
    "update_assume_role_policy",
    "create_access_key",
    "delete_and_create_access_key",
    "create_login_profile",
    "update_login_profile",
    "attach_user_policy",
    "put_user_policy",
    "attach_group_policy",
    "put_group_policy",
    "attach_role_policy",
    "put_role_policy",
    "create_policy_version",
    "set_default_policy_version",
    "add_user_to_group",
    "delete_permissions_boundary",
    "put_permissions_boundary",
];

pub(super) struct Ids {
    pub(super) get: FastMap<&'static str, ActionId>,
}

impl Ids {
    pub(super) fn new(account: &Account) -> Ids {
        let mut names: Vec<&'static str> = vec![
            "sts:AssumeRole",
            "iam:PassRole",
            "iam:UpdateAssumeRolePolicy",
            "iam:CreateAccessKey",
            "iam:DeleteAccessKey",
            "iam:CreateLoginProfile",
            "iam:UpdateLoginProfile",
            "iam:AttachUserPolicy",
            "iam:PutUserPolicy",
            "iam:AttachGroupPolicy",
            "iam:PutGroupPolicy",
            "iam:AttachRolePolicy",
            "iam:PutRolePolicy",
            "iam:CreatePolicyVersion",
            "iam:SetDefaultPolicyVersion",
            "iam:AddUserToGroup",
            "iam:DeleteUserPermissionsBoundary",
            "iam:DeleteRolePermissionsBoundary",
            "iam:PutUserPermissionsBoundary",
            "iam:PutRolePermissionsBoundary",
        ];
        for m in COMPUTE_METHODS {
            names.extend(m.actions);
        }
        let get = names
            .into_iter()
            .map(|n| {
                (
                    n,
                    account
                        .catalog
                        .id(n)
                        .unwrap_or_else(|| panic!("{n} is missing from the action catalog")),
                )
            })
            .collect();
        Ids { get }
    }
    pub(super) fn id(&self, n: &str) -> ActionId {
        self.get[n]
    }
}

/// How one principal becomes another: the kind of a "can become" edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Edge {
    /// `sts:AssumeRole`, allowed by the principal's policies and the role's trust policy.
    Assume,
    /// `iam:UpdateAssumeRolePolicy` on the role, then `sts:AssumeRole`.
    UpdateTrust,
    /// A credential for another user.
    Credential(Credential),
    /// Running code under a role through a compute service: an index into
    /// [`COMPUTE_METHODS`].
    Compute(u16),
}

/// The credentials one principal may make for another user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Credential {
    AccessKey,
    /// A user holding two access keys (IAM's limit) gets a new one only after one is deleted.
    ReplaceAccessKey,
    CreateLoginProfile,
    UpdateLoginProfile,
}

impl Credential {
    pub(super) const ALL: [Credential; 4] = [
        Credential::AccessKey,
        Credential::ReplaceAccessKey,
        Credential::CreateLoginProfile,
        Credential::UpdateLoginProfile,
    ];

    /// The method id (one of [`IAM_METHODS`]).
    pub(super) fn method(self) -> &'static str {
        match self {
            Credential::AccessKey => "create_access_key",
            Credential::ReplaceAccessKey => "delete_and_create_access_key",
            Credential::CreateLoginProfile => "create_login_profile",
            Credential::UpdateLoginProfile => "update_login_profile",
        }
    }

    /// Every action the method needs on the user, the credential-making one first.
    pub(super) fn actions(self) -> &'static [&'static str] {
        match self {
            Credential::AccessKey => &["iam:CreateAccessKey"],
            Credential::ReplaceAccessKey => &["iam:CreateAccessKey", "iam:DeleteAccessKey"],
            Credential::CreateLoginProfile => &["iam:CreateLoginProfile"],
            Credential::UpdateLoginProfile => &["iam:UpdateLoginProfile"],
        }
    }

    /// Whether the method works on `user`, as the credential report shows it (unknown keeps
    /// every method): a login profile can be created only where none exists and updated only
    /// where one does; a key created only below two keys, else after deleting one.
    pub(super) fn applies(self, user: &crate::account::PrincipalInput) -> bool {
        match self {
            Credential::AccessKey => user.access_keys.is_none_or(|n| n < 2),
            Credential::ReplaceAccessKey => user.access_keys.is_none_or(|n| n >= 2),
            Credential::CreateLoginProfile => user.console_password != Some(true),
            Credential::UpdateLoginProfile => user.console_password != Some(false),
        }
    }
}
