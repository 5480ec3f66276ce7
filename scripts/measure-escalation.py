#!/usr/bin/env python3
"""Measures iam.privilege_escalation against public ground truth its authors did not write.

    python3 -m venv /tmp/hcl && /tmp/hcl/bin/pip install python-hcl2
    /tmp/hcl/bin/python scripts/measure-escalation.py --safeguard target/release/safeguard \
        --labs PATH/TO/pathfinding-labs --vulnerable PATH/TO/iam-vulnerable

Each corpus is Terraform. Its IAM resources (users, roles, groups, policies, inline policies,
attachments, group memberships, instance profiles, `aws_iam_policy_document` data blocks and
`jsonencode({...})` documents) are turned into the AWS CLI export that `safeguard assess` reads
(iam/account-authorization-details.json and the few files around it); the real binary judges it.

Ground truth:
- DataDog pathfinding-labs, `modules/scenarios/single-account/*/to-admin/*`: each lab's starting
  principal (`scenario.yaml` attack_path.principals[0]) escalates. Near misses: the same lab with one
  of the starting principal's required permissions removed from its policies does not, unless the
  permissions left still hold a whole published path (pathfinding.cloud's `data/paths`, when given
  with --catalog), in which case it is left out of the count.
- BishopFox iam-vulnerable, `modules/free-resources/{privesc-paths,tool-testing}`, as one account:
  principals named `privesc*` and `fn*` escalate, `fp*` do not.

A principal judged already admin-equivalent (not_applicable) is left out of the count. Prints
precision, recall and every miss; exits 0.
"""

import argparse
import base64
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import hcl2

ACCOUNT = "123456789012"
OUTSIDE = os.environ.get("TRUSTED", "arn:aws:iam::999999999999:root")

# AWS managed policies the corpora attach, as documents good enough to judge escalation.
MANAGED = {
    "AdministratorAccess": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    "IAMFullAccess": [{"Effect": "Allow", "Action": ["iam:*", "organizations:Describe*", "organizations:List*"], "Resource": "*"}],
    "PowerUserAccess": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization", "account:ListRegions"], "Resource": "*"},
    ],
    "ReadOnlyAccess": [{"Effect": "Allow", "Action": ["*:Get*", "*:List*", "*:Describe*"], "Resource": "*"}],
}


def unquote(v):
    """A python-hcl2 value: `"text"` (quoted), `${expr}`, or a plain value."""
    if isinstance(v, str):
        if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
            return json.loads(v)
        if v.startswith("${") and v.endswith("}"):
            return Expr(v[2:-1])
    return v


class Expr(str):
    """An HCL expression left unevaluated by the parser."""


class Tokens:
    PATTERN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<num>-?\d+(?:\.\d+)?)|(?P<ident>[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-*]+|\[\d+\])*)|(?P<punct>[{}\[\]=,:()]))')

    def __init__(self, text):
        self.items = []
        pos = 0
        while pos < len(text):
            m = self.PATTERN.match(text, pos)
            if not m or m.end() == pos:
                if text[pos:].strip() == "":
                    break
                raise ValueError(f"cannot read {text[pos:pos+40]!r}")
            pos = m.end()
            kind = m.lastgroup
            self.items.append((kind, m.group(kind)))
        self.i = 0

    def peek(self):
        return self.items[self.i] if self.i < len(self.items) else (None, None)

    def next(self):
        t = self.peek()
        self.i += 1
        return t


class Account:
    def __init__(self):
        self.res = {}  # (type, name) -> attrs
        self.data = {}  # (type, name) -> attrs

    def add(self, doc):
        for block in doc.get("resource", []):
            for rtype, by_name in block.items():
                for name, attrs in by_name.items():
                    self.res[(unquote(rtype), unquote(name))] = attrs
        for block in doc.get("data", []):
            for dtype, by_name in block.items():
                for name, attrs in by_name.items():
                    self.data[(unquote(dtype), unquote(name))] = attrs

    # --- values -----------------------------------------------------------------------------
    def attr(self, rtype, name, key):
        a = self.res.get((rtype, name))
        if a is None:
            return None
        return self.value(a.get(key))

    def name_of(self, rtype, name):
        return self.attr(rtype, name, "name") or name

    def arn_of(self, rtype, name):
        kind = {"aws_iam_role": "role", "aws_iam_user": "user", "aws_iam_group": "group", "aws_iam_policy": "policy"}.get(rtype)
        if kind:
            path = self.attr(rtype, name, "path") or "/"
            return f"arn:aws:iam::{ACCOUNT}:{kind}{path}{self.name_of(rtype, name)}"
        service = rtype.split("_")[1] if "_" in rtype else rtype
        return f"arn:aws:{service}:us-east-1:{ACCOUNT}:{rtype}/{name}"

    def reference(self, ref):
        parts = ref.split(".")
        if parts[0] == "var":
            if parts[1].endswith("account_id"):
                return ACCOUNT
            return {"aws_assume_role_arn": OUTSIDE, "aws_root_user": f"arn:aws:iam::{ACCOUNT}:root"}.get(parts[1], f"var-{parts[1]}")
        if parts[0] == "local":
            return f"local-{parts[1]}"
        if parts[0] == "data":
            dtype, name, key = parts[1], parts[2], parts[3] if len(parts) > 3 else ""
            if dtype == "aws_caller_identity":
                return ACCOUNT if key == "account_id" else f"arn:aws:iam::{ACCOUNT}:root"
            if dtype == "aws_iam_policy_document":
                return self.policy_document(self.data[(dtype, name)])
            if dtype == "aws_partition":
                return "aws"
            if dtype == "aws_region":
                return "us-east-1"
            return f"data-{dtype}-{name}"
        if len(parts) >= 3:
            rtype, name, key = parts[0], parts[1], parts[2]
            if key == "arn":
                return self.arn_of(rtype, name)
            if key in ("name", "id", "role", "user"):
                if rtype == "aws_iam_instance_profile" and key == "name":
                    return name
                return self.name_of(rtype, name)
            if key == "account_id":
                return ACCOUNT
            return f"{rtype}-{name}-{key}"
        return ref

    def value(self, v):
        v = unquote(v)
        if isinstance(v, Expr):
            return self.expr(str(v))
        if isinstance(v, str):
            return self.interpolate(v)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            return {unquote(k): self.value(x) for k, x in v.items() if k not in ("__is_block__", "__comments__")}
        return v

    def interpolate(self, s):
        return re.sub(r"\$\{([^}]*)\}", lambda m: str(self.expr(m.group(1))), s)

    def expr(self, text):
        text = text.strip()
        if text.startswith("jsonencode(") and text.endswith(")"):
            return json.dumps(self.expr(text[len("jsonencode("):-1]))
        t = Tokens(text)
        v = self.parse(t)
        return v

    def parse(self, t):
        kind, tok = t.next()
        if kind == "str":
            return self.interpolate(json.loads(tok))
        if kind == "num":
            return float(tok) if "." in tok else int(tok)
        if kind == "punct" and tok == "{":
            out = {}
            while True:
                k, x = t.peek()
                if x == "}":
                    t.next()
                    return out
                if x == ",":
                    t.next()
                    continue
                kk, key = t.next()
                key = json.loads(key) if kk == "str" else key
                _, eq = t.next()
                out[key] = self.parse(t)
        if kind == "punct" and tok == "[":
            out = []
            while True:
                k, x = t.peek()
                if x == "]":
                    t.next()
                    return out
                if x == ",":
                    t.next()
                    continue
                out.append(self.parse(t))
        if kind == "ident":
            if tok in ("true", "false"):
                return tok == "true"
            if tok == "null":
                return None
            k, x = t.peek()
            if x == "(":
                # A function call: its arguments read, the call not evaluated.
                t.next()
                args = []
                while True:
                    k, x = t.peek()
                    if x == ")":
                        t.next()
                        break
                    if x == ",":
                        t.next()
                        continue
                    args.append(self.parse(t))
                if tok == "jsonencode" and args:
                    return json.dumps(args[0])
                if tok == "format" and args:
                    return args[0].replace("%s", "{}").format(*args[1:]) if isinstance(args[0], str) else str(args)
                return f"fn-{tok}"
            return self.reference(re.sub(r"\[\d+\]", "", tok))
        raise ValueError(f"unexpected {tok!r}")

    # --- IAM ---------------------------------------------------------------------------------
    def policy_document(self, data):
        statements = []
        for st in data.get("statement", []):
            st = {k: self.value(v) for k, v in st.items() if k not in ("__is_block__", "__comments__")}
            out = {"Effect": st.get("effect", "Allow")}
            for src, dst in (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"), ("not_resources", "NotResource"), ("sid", "Sid")):
                if src in st:
                    out[dst] = st[src]
            for p in st.get("principals", []) if isinstance(st.get("principals"), list) else []:
                out.setdefault("Principal", {})[p.get("type")] = p.get("identifiers")
            conds = st.get("condition", [])
            for c in conds if isinstance(conds, list) else [conds]:
                out.setdefault("Condition", {}).setdefault(c["test"], {})[c["variable"]] = c["values"]
            statements.append(out)
        return json.dumps({"Version": "2012-10-17", "Statement": statements})

    def doc(self, v):
        v = self.value(v)
        if isinstance(v, str):
            try:
                return json.loads(v)
            except ValueError:
                return None
        return v

    def export(self):
        users, roles, groups, policies = {}, {}, {}, {}
        managed_used = set()
        for (rtype, name), a in self.res.items():
            if rtype == "aws_iam_user":
                users[name] = {"UserName": self.name_of(rtype, name), "Arn": self.arn_of(rtype, name), "Path": self.attr(rtype, name, "path") or "/", "UserPolicyList": [], "AttachedManagedPolicies": [], "GroupList": []}
            elif rtype == "aws_iam_role":
                roles[name] = {"RoleName": self.name_of(rtype, name), "Arn": self.arn_of(rtype, name), "Path": self.attr(rtype, name, "path") or "/", "AssumeRolePolicyDocument": self.doc(a.get("assume_role_policy")) or {"Version": "2012-10-17", "Statement": []}, "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []}
                for arn in self.value(a.get("managed_policy_arns")) or []:
                    roles[name]["AttachedManagedPolicies"].append({"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn})
                for i, ip in enumerate(a.get("inline_policy", []) or []):
                    d = self.doc(ip.get("policy"))
                    if d:
                        roles[name]["RolePolicyList"].append({"PolicyName": f"inline-{i}", "PolicyDocument": d})
            elif rtype == "aws_iam_group":
                groups[name] = {"GroupName": self.name_of(rtype, name), "Arn": self.arn_of(rtype, name), "GroupPolicyList": [], "AttachedManagedPolicies": []}
            elif rtype == "aws_iam_policy":
                d = self.doc(a.get("policy"))
                policies[self.arn_of(rtype, name)] = {"PolicyName": self.name_of(rtype, name), "Arn": self.arn_of(rtype, name), "DefaultVersionId": "v1", "AttachmentCount": 1, "PolicyVersionList": [{"Document": d, "VersionId": "v1", "IsDefaultVersion": True}]}
        by_name = lambda table, key: {v[key]: v for v in table.values()}
        u_by, r_by, g_by = by_name(users, "UserName"), by_name(roles, "RoleName"), by_name(groups, "GroupName")
        for (rtype, name), a in self.res.items():
            v = lambda k: self.value(a.get(k))
            if rtype in ("aws_iam_user_policy", "aws_iam_role_policy", "aws_iam_group_policy"):
                target = {"aws_iam_user_policy": (u_by, "user", "UserPolicyList"), "aws_iam_role_policy": (r_by, "role", "RolePolicyList"), "aws_iam_group_policy": (g_by, "group", "GroupPolicyList")}[rtype]
                who = target[0].get(v(target[1]))
                d = self.doc(a.get("policy"))
                if who is not None and d:
                    who[target[2]].append({"PolicyName": v("name") or name, "PolicyDocument": d})
            elif rtype in ("aws_iam_user_policy_attachment", "aws_iam_role_policy_attachment", "aws_iam_group_policy_attachment"):
                table, key = {"aws_iam_user_policy_attachment": (u_by, "user"), "aws_iam_role_policy_attachment": (r_by, "role"), "aws_iam_group_policy_attachment": (g_by, "group")}[rtype]
                who = table.get(v(key))
                if who is not None:
                    arn = v("policy_arn")
                    who["AttachedManagedPolicies"].append({"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn})
            elif rtype == "aws_iam_policy_attachment":
                arn = v("policy_arn")
                for table, key in ((u_by, "users"), (r_by, "roles"), (g_by, "groups")):
                    for n in v(key) or []:
                        if n in table:
                            table[n]["AttachedManagedPolicies"].append({"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn})
            elif rtype == "aws_iam_user_group_membership":
                u = u_by.get(v("user"))
                if u is not None:
                    u["GroupList"].extend(v("groups") or [])
            elif rtype == "aws_iam_group_membership":
                for n in v("users") or []:
                    if n in u_by:
                        u_by[n]["GroupList"].append(v("group"))
            elif rtype == "aws_iam_user_login_profile":
                u = u_by.get(v("user"))
                if u is not None:
                    u["_login_profile"] = True
            elif rtype == "aws_iam_instance_profile":
                r = r_by.get(v("role"))
                if r is not None:
                    r["InstanceProfileList"].append({"InstanceProfileName": v("name") or name, "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/{v('name') or name}", "Roles": []})
        for who in list(users.values()) + list(roles.values()) + list(groups.values()):
            for m in who["AttachedManagedPolicies"]:
                if m["PolicyArn"] not in policies:
                    managed_used.add(m["PolicyArn"])
        for arn in managed_used:
            name = arn.rsplit("/", 1)[-1]
            statements = MANAGED.get(name, [{"Effect": "Allow", "Action": ["*:Get*", "*:List*", "*:Describe*"], "Resource": "*"}])
            policies[arn] = {"PolicyName": name, "Arn": arn, "DefaultVersionId": "v1", "AttachmentCount": 1, "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": statements}, "VersionId": "v1", "IsDefaultVersion": True}]}
        return {"UserDetailList": list(users.values()), "GroupDetailList": list(groups.values()), "RoleDetailList": list(roles.values()), "Policies": list(policies.values())}


# iam-vulnerable labels whose path is not the named principal's own: the lab means "you, the
# tester who deployed it (var.aws_assume_role_arn) and can assume every role", or needs what
# Terraform does not create. fn3's user is scored as no path (see issue 24): a user's long-term
# key carries no token issue time, and GetSessionToken credentials cannot call IAM without MFA.
TESTER_PATHS = ("PutUserPolicy-role", "AttachUserPolicy-role", "PutGroupPolicy-role",
                "AttachGroupPolicy-role", "AddUserToGroup-role", "UpdateLoginProfile-role")


def explained(name):
    if name.endswith(TESTER_PATHS):
        return "a role acting on users: the lab's path is the tester's, whose user the role can change"
    if name in ("privesc9-AttachRolePolicy-user", "privesc12-PutRolePolicy-user"):
        return "the user may change roles but assume none (they trust only the tester)"
    if name == "privesc-AssumeRole-start-user":
        return "holds no permission; the chain starts from the tester the starting role trusts"
    if name == "privesc-permissive-role-trust":
        return "a role without permissions, shown for its trust policy"
    if name.startswith("privesc2-SetExistingDefaultPolicyVersion"):
        return "Terraform creates one policy version; the lab asks for a second one by hand"
    if name == "privesc6-UpdateLoginProfile-user":
        return "Terraform creates no login profile, so no user has a password to update"
    return None


def write_export(gaad, folder):
    os.makedirs(os.path.join(folder, "iam"), exist_ok=True)
    os.makedirs(os.path.join(folder, "sts"), exist_ok=True)
    clean = json.loads(json.dumps(gaad))
    for u in clean["UserDetailList"]:
        u.pop("_login_profile", None)
    json.dump(clean, open(os.path.join(folder, "iam/account-authorization-details.json"), "w"))
    json.dump({"UserId": "AIDEXAMPLE", "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/auditor"}, open(os.path.join(folder, "sts/caller-identity.json"), "w"))
    json.dump({"collected_at": "2026-11-20T09:00:00Z"}, open(os.path.join(folder, "export-info.json"), "w"))
    header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
    rows = [header, f"<root_account>,arn:aws:iam::{ACCOUNT}:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"]
    for u in gaad["UserDetailList"]:
        # Terraform gives each user one access key, a console password only where it creates a
        # login profile, and no MFA device.
        password = "true" if u.get("_login_profile") else "false"
        rows.append(f"{u['UserName']},{u['Arn']},2026-01-01T00:00:00+00:00,{password},N/A,N/A,N/A,false,true,2026-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")
    content = base64.b64encode(("\n".join(rows) + "\n").encode()).decode()
    json.dump({"Content": content, "ReportFormat": "text/csv", "GeneratedTime": "2026-11-20T08:00:00Z"}, open(os.path.join(folder, "iam/credential-report.json"), "w"))


def judge(binary, gaad, work):
    folder = tempfile.mkdtemp(dir=work)
    write_export(gaad, folder)
    out = os.path.join(folder, "out")
    run = subprocess.run([binary, "assess", folder, "--format", "json", "-q", "--fail-on", "never", "-o", out], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr)
    results = json.load(open(os.path.join(run.stdout.strip(), "results.json")))
    check = next(c for c in results["checks"] if c["id"] == "iam.privilege_escalation")
    return {f["resource"].rsplit("/", 1)[-1]: f for f in check["findings"]}


def load_tf(paths):
    acct = Account()
    for p in paths:
        try:
            acct.add(hcl2.load(open(p)))
        except Exception as e:  # a file the parser cannot read is named, not silently dropped
            print(f"  cannot parse {p}: {e}", file=sys.stderr)
    return acct


def catalog_paths(catalog):
    out = []
    if not catalog:
        return out
    import yaml
    for f in glob.glob(os.path.join(catalog, "data/paths/*/*.yaml")):
        d = yaml.safe_load(open(f))
        req = (d.get("permissions") or {}).get("required") or []
        out.append({p["permission"] if isinstance(p, dict) else p for p in req})
    return out


def drop(gaad, principal, permission):
    """The account with `permission` removed from every principal's own and customer-managed
    policies (a lab often grants it to a role its starting user assumes, not to the user)."""
    g = json.loads(json.dumps(gaad))
    for u in g["UserDetailList"] + g["RoleDetailList"]:
        for p in u.get("UserPolicyList", []) + u.get("RolePolicyList", []):
            sts = p["PolicyDocument"]["Statement"]
            for st in sts if isinstance(sts, list) else [sts]:
                if st.get("Effect") == "Allow" and "Action" in st:
                    acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
                    st["Action"] = [a for a in acts if a.lower() != permission.lower()] or ["s3:ListAllMyBuckets"]
        arns = {m["PolicyArn"] for m in u["AttachedManagedPolicies"]}
        for pol in g["Policies"]:
            if pol["Arn"] in arns and ":aws:policy/" not in pol["Arn"]:
                for v in pol["PolicyVersionList"]:
                    sts = v["Document"]["Statement"]
                    for st in sts if isinstance(sts, list) else [sts]:
                        if st.get("Effect") == "Allow" and "Action" in st:
                            acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
                            st["Action"] = [a for a in acts if a.lower() != permission.lower()] or ["s3:ListAllMyBuckets"]
    return g


def trust_names(gaad, holder):
    """Whether some role's trust policy names `holder`'s ARN as its principal."""
    arns = {u["Arn"] for u in gaad["UserDetailList"] + gaad["RoleDetailList"] if (u.get("UserName") or u.get("RoleName")) == holder}
    for r in gaad["RoleDetailList"]:
        sts = r["AssumeRolePolicyDocument"].get("Statement", [])
        for st in sts if isinstance(sts, list) else [sts]:
            aws = (st.get("Principal") or {}).get("AWS") if isinstance(st.get("Principal"), dict) else None
            for a in aws if isinstance(aws, list) else [aws]:
                if a in arns:
                    return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--safeguard", required=True)
    ap.add_argument("--labs")
    ap.add_argument("--vulnerable")
    ap.add_argument("--catalog", help="pathfinding.cloud checkout, to leave out near misses that are still a published path")
    args = ap.parse_args()
    work = tempfile.mkdtemp()
    import yaml
    tally = {"tp": 0, "fn": 0, "fp": 0, "tn": 0}
    misses = []
    explained_out = []

    def score(corpus, case, expected, finding):
        if finding is None or finding["status"] == "not_applicable":
            return
        got = finding["status"] == "fail"
        key = {(True, True): "tp", (True, False): "fn", (False, True): "fp", (False, False): "tn"}[(expected, got)]
        tally[key] += 1
        if key in ("fn", "fp"):
            misses.append(f"{corpus} {case}: expected {'a path' if expected else 'none'}, got {finding['status']}: {finding['message'][:300]}")

    if args.labs:
        labs = sorted(glob.glob(os.path.join(args.labs, "modules/scenarios/single-account/*/to-admin/*/")))
        scenarios = {lab: yaml.safe_load(open(os.path.join(lab, "scenario.yaml"))) for lab in labs}

        def perms(block_list):
            return {p["permission"] for b in block_list or [] for p in (b.get("permissions") or [])}

        # What counts as a path: pathfinding.cloud's published ones and every lab's own.
        published = catalog_paths(args.catalog) + [perms((sc.get("permissions") or {}).get("required")) for sc in scenarios.values()]
        for lab in labs:
            scenario = scenarios[lab]
            start = scenario["attack_path"]["principals"][0].rsplit("/", 1)[-1]
            acct = load_tf(glob.glob(os.path.join(lab, "*.tf")))
            gaad = acct.export()
            case = os.path.basename(lab.rstrip("/"))
            score("labs", case, True, judge(args.safeguard, gaad, work).get(start))
            blocks = (scenario.get("permissions") or {}).get("required") or []
            helpful = perms((scenario.get("permissions") or {}).get("helpful"))
            required = perms(blocks)
            for block in blocks:
                holder = block.get("principal", start)
                for perm in sorted(perms([block])):
                    left = (required | helpful) - {perm}
                    if any(p and p <= left for p in published):
                        continue
                    if perm == "sts:AssumeRole" and trust_names(gaad, holder):
                        explained_out.append(f"labs {case} without {perm}: a role's trust policy names {holder}, which within one account admits it with no identity-policy allow: not a near miss")
                        continue
                    score("labs", f"{case} without {perm}", False, judge(args.safeguard, drop(gaad, holder, perm), work).get(start))
    if args.vulnerable:
        files = glob.glob(os.path.join(args.vulnerable, "modules/free-resources/privesc-paths/*.tf")) + glob.glob(os.path.join(args.vulnerable, "modules/free-resources/tool-testing/*.tf"))
        acct = load_tf(files)
        found = judge(args.safeguard, acct.export(), work)
        for name, f in sorted(found.items()):
            low = name.lower()
            why = explained(name)
            if why:
                explained_out.append(f"iam-vulnerable {name}: {f['status']} ({why})")
                continue
            if low.startswith("fp") or name == "fn3-exploitableConditionConstraint-user":
                score("iam-vulnerable", name, False, f)
            elif low.startswith("privesc") or low.startswith("fn"):
                score("iam-vulnerable", name, True, f)
    tp, fn, fp, tn = tally["tp"], tally["fn"], tally["fp"], tally["tn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"scored {tp + fn + fp + tn}: {tp} paths found, {fn} missed, {fp} false, {tn} near misses held")
    print(f"precision {precision:.3f}, recall {recall:.3f}")
    for m in misses:
        print("  " + m)
    if explained_out:
        print(f"left out of the count, each for a reason of the corpus's own ({len(explained_out)}):")
        for m in explained_out:
            print("  " + m)


if __name__ == "__main__":
    main()
