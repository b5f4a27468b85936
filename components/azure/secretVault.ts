import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";

/** Built-in role definition ids (the same in every subscription). */
export const ROLES = {
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  serviceBusDataOwner: "090c5cfd-751d-490a-894a-3ce6f1109419",
} as const;

export interface SecretVaultArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly vaultName: string;
  readonly identityName: string;
  /** Key Vault secret name → value (already secret Outputs). */
  readonly secrets: Readonly<Record<string, pulumi.Input<string>>>;
  /** Extra grants for the identity (e.g. AcrPull on a registry), made before any app exists; may be empty. */
  readonly extraRoles: readonly { readonly name: string; readonly roleId: string; readonly scope: pulumi.Input<string> }[];
}

/**
 * Key Vault (RBAC, purge protection, protected) holding every secret, and the user-assigned
 * identity the Container Apps read it with. `ready` holds the role assignments: apps depend on
 * them, because an app whose identity cannot yet read its secrets fails to provision (and a
 * system-assigned identity would only exist after the app: a deadlock).
 */
export class SecretVault extends pulumi.ComponentResource {
  public readonly identity: managedidentity.UserAssignedIdentity;
  public readonly vault: keyvault.Vault;
  public readonly ready: pulumi.Resource[];
  private readonly secretResources: Record<string, keyvault.Secret> = {};

  constructor(name: string, args: SecretVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:azure:SecretVault", name, {}, opts);
    this.identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      resourceName: args.identityName,
    }, { parent: this });
    this.vault = new keyvault.Vault(`${name}-vault`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      vaultName: args.vaultName,
      properties: {
        tenantId: this.identity.tenantId,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
      },
    }, { parent: this, protect: true });
    for (const [secretName, value] of Object.entries(args.secrets)) {
      this.secretResources[secretName] = new keyvault.Secret(`${name}-${secretName}`, {
        resourceGroupName: args.resourceGroupName,
        vaultName: this.vault.name,
        secretName,
        properties: { value: pulumi.secret(value) },
      }, { parent: this });
    }
    const subscription = this.vault.id.apply((id) => id.split("/")[2] ?? "");
    const grant = (suffix: string, roleId: string, scope: pulumi.Input<string>) =>
      new authorization.RoleAssignment(`${name}-${suffix}`, {
        principalId: this.identity.principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: pulumi.interpolate`/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`,
        scope,
      }, { parent: this });
    this.ready = [
      grant("secrets-user", ROLES.keyVaultSecretsUser, this.vault.id),
      ...args.extraRoles.map((r) => grant(r.name, r.roleId, r.scope)),
      ...Object.values(this.secretResources),
    ];
    this.registerOutputs({ vaultId: this.vault.id, identityId: this.identity.id });
  }

  /** Versionless secret URL: a restarted revision picks up a rotated value. */
  secretUrl(secretName: string): pulumi.Output<string> {
    if (!this.secretResources[secretName]) throw new Error(`no Key Vault secret ${secretName}`);
    return pulumi.interpolate`${this.vault.properties.vaultUri}secrets/${secretName}`;
  }
}
