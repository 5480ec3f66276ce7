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
    /// Where the method is published (DataDog's pathfinding.cloud id where it has one).
    pub source: &'static str,
}

/// The compute-service methods, the classic ones and the PassRole combinations catalogued by
/// the community since.
pub const COMPUTE_METHODS: &[ComputeMethod] = &[
    ComputeMethod {
        id: "passrole_ec2_run_instances",
        source: "pathfinding.cloud ec2-001",
        service: "ec2.amazonaws.com",
        actions: &["ec2:RunInstances"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_ec2_spot_instances",
        source: "pathfinding.cloud ec2-003",
        service: "ec2.amazonaws.com",
        actions: &["ec2:RequestSpotInstances"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_ec2_associate_profile",
        source: "Rhino Security Labs, AWS IAM privilege escalation methods (2018)",
        service: "ec2.amazonaws.com",
        actions: &["ec2:AssociateIamInstanceProfile"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_autoscaling",
        source: "BishopFox iam-vulnerable",
        service: "ec2.amazonaws.com",
        actions: &[
            "autoscaling:CreateLaunchConfiguration",
            "autoscaling:CreateAutoScalingGroup",
        ],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_lambda_invoke",
        source: "pathfinding.cloud lambda-001",
        service: "lambda.amazonaws.com",
        actions: &["lambda:CreateFunction", "lambda:InvokeFunction"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_lambda_event_source",
        source: "pathfinding.cloud lambda-002",
        service: "lambda.amazonaws.com",
        actions: &["lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_lambda_url",
        source: "community (a function URL invokes the function without lambda:InvokeFunction)",
        service: "lambda.amazonaws.com",
        actions: &["lambda:CreateFunction", "lambda:CreateFunctionUrlConfig"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_glue_dev_endpoint",
        source: "pathfinding.cloud glue-001",
        service: "glue.amazonaws.com",
        actions: &["glue:CreateDevEndpoint"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_glue_job",
        source: "pathfinding.cloud glue-003",
        service: "glue.amazonaws.com",
        actions: &["glue:CreateJob", "glue:StartJobRun"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_cloudformation",
        source: "pathfinding.cloud cloudformation-001",
        service: "cloudformation.amazonaws.com",
        actions: &["cloudformation:CreateStack"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_datapipeline",
        source: "pathfinding.cloud datapipeline-001",
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
        source: "pathfinding.cloud codebuild-001",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:CreateProject", "codebuild:StartBuild"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_ecs_run_task",
        source: "pathfinding.cloud ecs-004 (ecs-002 with CreateCluster)",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_ecs_service",
        source: "pathfinding.cloud ecs-003 (ecs-001 with CreateCluster)",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:RegisterTaskDefinition", "ecs:CreateService"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_sagemaker_notebook",
        source: "pathfinding.cloud sagemaker-001",
        service: "sagemaker.amazonaws.com",
        actions: &[
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_sagemaker_training",
        source: "pathfinding.cloud sagemaker-002",
        service: "sagemaker.amazonaws.com",
        actions: &["sagemaker:CreateTrainingJob"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_sagemaker_processing",
        source: "pathfinding.cloud sagemaker-003",
        service: "sagemaker.amazonaws.com",
        actions: &["sagemaker:CreateProcessingJob"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_apprunner",
        source: "pathfinding.cloud apprunner-001",
        service: "tasks.apprunner.amazonaws.com",
        actions: &["apprunner:CreateService"],
        pass_role: true,
    },
    ComputeMethod {
        id: "lambda_update_function_code",
        source: "pathfinding.cloud lambda-003 (lambda-004, lambda-005)",
        service: "lambda.amazonaws.com",
        actions: &["lambda:UpdateFunctionCode"],
        pass_role: false,
    },
    ComputeMethod {
        id: "glue_update_dev_endpoint",
        source: "pathfinding.cloud glue-002",
        service: "glue.amazonaws.com",
        actions: &["glue:UpdateDevEndpoint"],
        pass_role: false,
    },
    ComputeMethod {
        id: "ssm_send_command",
        source: "pathfinding.cloud ssm-002",
        service: "ec2.amazonaws.com",
        actions: &["ssm:SendCommand"],
        pass_role: false,
    },
    ComputeMethod {
        id: "ssm_start_session",
        source: "pathfinding.cloud ssm-001",
        service: "ec2.amazonaws.com",
        actions: &["ssm:StartSession"],
        pass_role: false,
    },
    ComputeMethod {
        id: "codebuild_start_build",
        source: "pathfinding.cloud codebuild-002",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:StartBuild"],
        pass_role: false,
    },
    ComputeMethod {
        id: "ecs_execute_command",
        source: "pathfinding-labs ecs-006",
        service: "ecs-tasks.amazonaws.com",
        // The CLI's session needs the container's runtime id, which only DescribeTasks gives.
        actions: &["ecs:ExecuteCommand", "ecs:DescribeTasks"],
        pass_role: false,
    },
    // Stacks already run by a CloudFormation service role: an update runs as that role.
    // (`SetStackPolicy` only lifts a stack's own update protection; it needs one of these.)
    ComputeMethod {
        id: "cloudformation_update_stack",
        source: "pathfinding.cloud cloudformation-002",
        service: "cloudformation.amazonaws.com",
        actions: &["cloudformation:UpdateStack"],
        pass_role: false,
    },
    ComputeMethod {
        id: "cloudformation_execute_change_set",
        source: "pathfinding.cloud cloudformation-005",
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
        source: "pathfinding.cloud ec2instanceconnect-003",
        service: "ec2.amazonaws.com",
        actions: &["ec2-instance-connect:SendSSHPublicKey"],
        pass_role: false,
    },
    ComputeMethod {
        id: "ec2_serial_console",
        source: "community (EC2 serial console, the same instance-connect key push)",
        service: "ec2.amazonaws.com",
        actions: &["ec2-instance-connect:SendSerialConsoleSSHPublicKey"],
        pass_role: false,
    },
    ComputeMethod {
        id: "sagemaker_presigned_notebook_url",
        source: "pathfinding.cloud sagemaker-004",
        service: "sagemaker.amazonaws.com",
        actions: &["sagemaker:CreatePresignedNotebookInstanceUrl"],
        pass_role: false,
    },
    ComputeMethod {
        id: "codebuild_update_project",
        source: "community (an existing project's buildspec replaced)",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:UpdateProject"],
        pass_role: false,
    },
    // The rest of DataDog's pathfinding.cloud single-account catalog (its ids in brackets).
    // [apprunner-002] An existing service's image or start command replaced: it runs as the
    // service's instance role.
    ComputeMethod {
        id: "apprunner_update_service",
        source: "pathfinding.cloud apprunner-002",
        service: "tasks.apprunner.amazonaws.com",
        actions: &["apprunner:UpdateService"],
        pass_role: false,
    },
    // [bedrock-001] A code interpreter created with a passed execution role, then code run in
    // a session of it.
    ComputeMethod {
        id: "passrole_bedrock_code_interpreter",
        source: "pathfinding.cloud bedrock-001",
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
        source: "pathfinding.cloud bedrock-002",
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
        source: "pathfinding.cloud cloudformation-003",
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
        source: "pathfinding.cloud cloudformation-004",
        service: "cloudformation.amazonaws.com",
        actions: &["cloudformation:UpdateStackSet"],
        pass_role: true,
    },
    // [codebuild-003] A batch build of an existing project runs as its service role.
    ComputeMethod {
        id: "codebuild_start_build_batch",
        source: "pathfinding.cloud codebuild-003",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:StartBuildBatch"],
        pass_role: false,
    },
    // [codebuild-004]
    ComputeMethod {
        id: "passrole_codebuild_batch",
        source: "pathfinding.cloud codebuild-004",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:CreateProject", "codebuild:StartBuildBatch"],
        pass_role: true,
    },
    // [ec2-002] An instance's user data rewritten while it is stopped: it runs as the
    // instance's profile role at the next start.
    ComputeMethod {
        id: "ec2_modify_user_data",
        source: "pathfinding.cloud ec2-002",
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
        source: "pathfinding.cloud ec2-004 (pathfinding-labs ec2-005)",
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
        source: "pathfinding.cloud ecs-005",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:RegisterTaskDefinition", "ecs:StartTask"],
        pass_role: true,
    },
    // [ecs-008 in pathfinding-labs] An existing task definition run with a task-role
    // override (and a command override).
    ComputeMethod {
        id: "passrole_ecs_run_task_override",
        source: "pathfinding-labs ecs-008",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:RunTask"],
        pass_role: true,
    },
    // [ecs-009 in pathfinding-labs; ecs-007 adds RegisterContainerInstance] The same with
    // StartTask on a container instance.
    ComputeMethod {
        id: "passrole_ecs_start_task_override",
        source: "pathfinding-labs ecs-009 (ecs-007)",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:StartTask"],
        pass_role: true,
    },
    // [glue-004]
    ComputeMethod {
        id: "passrole_glue_trigger",
        source: "pathfinding.cloud glue-004",
        service: "glue.amazonaws.com",
        actions: &["glue:CreateJob", "glue:CreateTrigger"],
        pass_role: true,
    },
    // [glue-005] An existing job given a passed role and a new script.
    ComputeMethod {
        id: "passrole_glue_update_job",
        source: "pathfinding.cloud glue-005",
        service: "glue.amazonaws.com",
        actions: &["glue:UpdateJob", "glue:StartJobRun"],
        pass_role: true,
    },
    // [glue-006]
    ComputeMethod {
        id: "passrole_glue_update_job_trigger",
        source: "pathfinding.cloud glue-006",
        service: "glue.amazonaws.com",
        actions: &["glue:UpdateJob", "glue:CreateTrigger"],
        pass_role: true,
    },
    // [glue-007 in pathfinding-labs] An interactive session with a passed role, then code run
    // in it.
    ComputeMethod {
        id: "passrole_glue_session",
        source: "pathfinding-labs glue-007",
        service: "glue.amazonaws.com",
        actions: &["glue:CreateSession", "glue:RunStatement"],
        pass_role: true,
    },
    // [sagemaker-005] A lifecycle configuration attached to a stopped notebook instance: its
    // script runs as the notebook's role at the next start.
    ComputeMethod {
        id: "sagemaker_notebook_lifecycle_config",
        source: "pathfinding.cloud sagemaker-005",
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
        source: "pathfinding.cloud lambda-006",
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

/// A method of IAM itself: making a credential for another user, assuming or rewriting the
/// trust of a role, or raising permissions (one's own, or another's to become it).
#[derive(Debug)]
pub struct IamMethod {
    pub id: &'static str,
    /// The actions it needs, on the user, role, group or policy it acts on.
    pub actions: &'static [&'static str],
    /// Where the method is published.
    pub source: &'static str,
}

const fn iam(
    id: &'static str,
    actions: &'static [&'static str],
    source: &'static str,
) -> IamMethod {
    IamMethod {
        id,
        actions,
        source,
    }
}

/// Every IAM method the graph uses, for documentation and tests. Raising another principal's
/// permissions and then becoming it (pathfinding.cloud iam-014 to iam-021) is one of these
/// followed by a way to become it.
pub const IAM_METHODS: &[IamMethod] = &[
    iam(
        "assume_role",
        &["sts:AssumeRole"],
        "pathfinding.cloud sts-001",
    ),
    iam(
        "update_assume_role_policy",
        &["iam:UpdateAssumeRolePolicy"],
        "pathfinding.cloud iam-012",
    ),
    iam(
        "create_access_key",
        &["iam:CreateAccessKey"],
        "pathfinding.cloud iam-002",
    ),
    iam(
        "delete_and_create_access_key",
        &["iam:DeleteAccessKey", "iam:CreateAccessKey"],
        "pathfinding.cloud iam-003",
    ),
    iam(
        "create_login_profile",
        &["iam:CreateLoginProfile"],
        "pathfinding.cloud iam-004",
    ),
    iam(
        "update_login_profile",
        &["iam:UpdateLoginProfile"],
        "pathfinding.cloud iam-006",
    ),
    iam(
        "attach_user_policy",
        &["iam:AttachUserPolicy"],
        "pathfinding.cloud iam-008 (iam-015)",
    ),
    iam(
        "put_user_policy",
        &["iam:PutUserPolicy"],
        "pathfinding.cloud iam-007 (iam-018)",
    ),
    iam(
        "attach_group_policy",
        &["iam:AttachGroupPolicy"],
        "pathfinding.cloud iam-010",
    ),
    iam(
        "put_group_policy",
        &["iam:PutGroupPolicy"],
        "pathfinding.cloud iam-011",
    ),
    iam(
        "attach_role_policy",
        &["iam:AttachRolePolicy"],
        "pathfinding.cloud iam-009 (iam-014, iam-019)",
    ),
    iam(
        "put_role_policy",
        &["iam:PutRolePolicy"],
        "pathfinding.cloud iam-005 (iam-017, iam-021)",
    ),
    iam(
        "create_policy_version",
        &["iam:CreatePolicyVersion"],
        "pathfinding.cloud iam-001 (iam-016, iam-020)",
    ),
    iam(
        "set_default_policy_version",
        &["iam:SetDefaultPolicyVersion"],
        "Rhino Security Labs, AWS IAM privilege escalation methods (2018)",
    ),
    iam(
        "add_user_to_group",
        &["iam:AddUserToGroup"],
        "pathfinding.cloud iam-013",
    ),
    iam(
        "delete_permissions_boundary",
        &[
            "iam:DeleteUserPermissionsBoundary",
            "iam:DeleteRolePermissionsBoundary",
        ],
        "community (a boundary removed lifts what it held back)",
    ),
    iam(
        "put_permissions_boundary",
        &[
            "iam:PutUserPermissionsBoundary",
            "iam:PutRolePermissionsBoundary",
        ],
        "community (a boundary replaced by a wider one)",
    ),
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
