/** `<name>.README.md` next to the archive: how to check, upload, create from and operate the template. */
import type { ProxmoxModel } from "../../model/types";
import { DONE_FILE, FIRSTBOOT_SCRIPT, FIRSTBOOT_UNIT, METADATA_FILE, SECRETS_FILE, secretNames } from "./firstboot";
import type { TemplatePlan } from "./steps";

export interface NotesInput {
  readonly plan: TemplatePlan;
  readonly network: ProxmoxModel["network"];
  readonly archiveName: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  /** Wall-clock time of this build (template.json carries SOURCE_DATE_EPOCH instead). */
  readonly builtAt: string;
  readonly packages: readonly string[];
}

export function renderDeploymentNotes(n: NotesInput): string {
  const h = n.plan.host;
  const vmid = h.vmid;
  const names = secretNames(n.plan);
  const ip = h.network.kind === "static" ? `ip=${h.network.ipv4Cidr},gw=${n.network.gateway}` : "ip=dhcp";
  const mac = h.network.mac ? `,hwaddr=${h.network.mac}` : "";
  const features = h.docker ? "nesting=1,keyctl=1" : "nesting=1";
  const steps = n.plan.steps
    .map((s, i) => `${i + 1}. \`${s.bundle.name}\`${s.after.length ? ` (after ${s.after.join(", ")})` : ""}${s.bundle.secretEnv.length ? ` — stdin: ${s.bundle.secretEnv.join(", ")}` : ""}`)
    .join("\n");
  const secretLines = names.map((x) => `  printf '${x}=%s\\n' "$(printf %s "$${x.replace(/^PARITY_SECRET_/, "")}" | base64 -w0)"`).join("\n");
  const fromStack = names.map((x) => `| \`${x}\` | \`${n.plan.secretEnv[x] ?? "?"}\` |`).join("\n");
  return `# ${n.archiveName}

Proxmox VE LXC template for guest \`${h.name}\` of stack \`${n.plan.stack}\`, built by Parity
(\`npm run build:template -- ${n.plan.stack} --host ${h.name}\`) on ${n.builtAt}.

- Archive: \`${n.archiveName}\` (${(n.sizeBytes / 1e6).toFixed(0)} MB, gzip), the root filesystem at \`./\`, numeric owners (uid 0 = root; Proxmox shifts them for an unprivileged guest).
- SHA-256: \`${n.sha256}\` (also in \`${n.archiveName}.sha256\`).
- Debian 12 (bookworm) with systemd, plus pre-installed: ${n.packages.map((p) => `\`${p}\``).join(", ")}.
- Inside: \`${METADATA_FILE}\` (stack, guest, source date, git commit, each step's bundle hash), the steps under \`/var/lib/parity/steps/<step>/entrypoint.sh\`, \`${FIRSTBOOT_SCRIPT}\` and \`${FIRSTBOOT_UNIT}\` (enabled).
- No secrets, no SSH host keys, no TLS private key, no machine-id, no PostgreSQL cluster: all are made per guest.

## 1. Check and upload (no \`pveam\`: this template is not in Proxmox's index)

\`\`\`sh
sha256sum -c ${n.archiveName}.sha256
# Directory storage "local" keeps templates in /var/lib/vz/template/cache/ (for another storage: pvesm path <storage>:vztmpl/${n.archiveName})
scp ${n.archiveName} root@<node>:/var/lib/vz/template/cache/
ssh root@<node> pvesm list local --content vztmpl      # must list local:vztmpl/${n.archiveName}
# or through the API (token needs Datastore.AllocateTemplate):
curl -fk -H 'Authorization: PVEAPIToken=<user>@<realm>!<id>=<uuid>' -F content=vztmpl \\
  -F filename=@${n.archiveName} https://<node>:8006/api2/json/nodes/<node>/storage/local/upload
\`\`\`

A Pulumi stack uploads it with \`proxmoxve.FileLegacy\` (\`contentType: vztmpl\`,
\`sourceFile.path\` = this archive, \`sourceFile.checksum\` = the SHA-256 above).

## 2. Create the guest

\`\`\`sh
pct create ${vmid} local:vztmpl/${n.archiveName} \\
  --hostname ${h.hostname} --ostype debian --unprivileged 1 --features ${features} \\
  --cores ${h.cores} --memory ${h.memoryMb} --swap ${h.swapMb} --rootfs ${h.datastore}:${h.diskGb} \\
  --net0 name=eth0,bridge=${n.network.bridge},${ip}${mac} \\${h.sharedMount ? `\n  --mp0 ${h.sharedMount.nodePath},mp=${h.sharedMount.guestPath} \\` : ""}
  --ssh-public-keys <deploy-key.pub> --onboot 1 --start 0
\`\`\`

\`--unprivileged 1\` must be explicit (Proxmox and the Pulumi provider default to privileged).
\`nesting=1\` is required: the services' systemd sandboxing (\`ProtectSystem=\`, \`PrivateTmp=\`, …) builds mount
namespaces, which Proxmox's AppArmor profile refuses without nesting (units die with \`226/NAMESPACE\`).${h.sharedMount ? `
The bootstrap step fails when \`${h.sharedMount.guestPath}\` is missing: keep the \`--mp0\` mount point.` : ""}

## 3. Secrets: push before the first start, or let the guest generate them

First boot reads \`${SECRETS_FILE}\` — one \`NAME=<base64 of the value>\` line per secret, the encoding the
steps read on stdin — and generates (32 random letters and digits, from \`/dev/urandom\`) every name it does not find.
The template never contains this file. Names and the stack secrets they stand for:

| name in ${SECRETS_FILE} | \`parity:secrets\` |
| --- | --- |
${fromStack}

To use your own values (e.g. the ones Pulumi holds), write the file into the stopped guest:

\`\`\`sh
{
${secretLines}
} > secrets.env        # with each variable set to the secret's value
pct mount ${vmid}
install -m 0600 -o 100000 -g 100000 secrets.env /var/lib/lxc/${vmid}/rootfs${SECRETS_FILE}   # uid 100000 = root in an unprivileged guest
pct unmount ${vmid} && shred -u secrets.env
pct start ${vmid}
\`\`\`

Without it the guest's passwords exist only in \`${SECRETS_FILE}\` (0600 root). Read one with
\`pct exec ${vmid} -- sh -c "grep '^NAME=' ${SECRETS_FILE} | cut -d= -f2- | base64 -d"\`. To switch to other values
later: \`pct push ${vmid} secrets.env ${SECRETS_FILE} --perms 0600\`, then \`pct exec ${vmid} -- ${FIRSTBOOT_SCRIPT}\`
(every step is idempotent; the steps change the passwords). Before managing a guest created this way with
\`pulumi up\`, push the stack's secrets like this: otherwise the first deployment changes every password.

## 4. What first boot does

\`${FIRSTBOOT_UNIT}\` (oneshot, \`After=network-online.target ssh.service\`, \`ConditionPathExists=!${DONE_FILE}\`) runs
\`${FIRSTBOOT_SCRIPT}\`: a per-guest snakeoil TLS key pair, the secrets (above), then each step's
\`entrypoint.sh\` — exactly the text \`pulumi up\` sends over SSH — in dependency order, each with only its own secrets on stdin:

${steps}

The packages are already installed, so first boot needs no network for them (a step still installs whatever
is missing, through apt). When every step succeeded it writes \`${DONE_FILE}\`; later boots skip the unit.
A failed step stops the run, leaves the unit \`failed\` and the done-file absent, so the next boot (or
\`systemctl start ${FIRSTBOOT_UNIT}\`) tries again.

Logs: \`journalctl -u ${FIRSTBOOT_UNIT}\` (also on the console: \`pct console ${vmid}\`), \`systemctl status ${FIRSTBOOT_UNIT}\`;
each service logs to the journal under its own unit.

After first boot: PostgreSQL, Redis and RabbitMQ run; \`GET http://<guest>:8010/health\` (the unified health endpoint,
for Zabbix) answers 200 with each check's result, or 503 naming the failing one. The application units
(\`<project>-<service>.service\`) fail with "application code not installed" until the application is deployed to
\`/opt/<project>/services/<service>\`: the template carries the platform, not the application.
`;
}
