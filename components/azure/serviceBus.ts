import * as pulumi from "@pulumi/pulumi";
import * as servicebus from "@pulumi/azure-native/servicebus";

export interface ServiceBusBrokerArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly namespaceName: string;
}

/**
 * Standard: topics and queues over AMQP 1.0. A fixed choice, not a setting (no stack key selects
 * Premium), so the component takes no argument for it.
 */
const SKU = "Standard";

/**
 * Service Bus namespace: the opt-in replacement of RabbitMQ. It speaks AMQP 1.0 on 5671, not
 * RabbitMQ's AMQP 0-9-1, so clients change (pika/aio-pika do not speak it). Local (SAS) auth is
 * off: apps use the user-assigned identity, granted Azure Service Bus Data Owner by the target.
 */
export class ServiceBusBroker extends pulumi.ComponentResource {
  public readonly namespace: servicebus.Namespace;

  constructor(name: string, args: ServiceBusBrokerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:azure:ServiceBusBroker", name, {}, opts);
    this.namespace = new servicebus.Namespace(`${name}-namespace`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      namespaceName: args.namespaceName,
      sku: { name: SKU, tier: SKU },
      minimumTlsVersion: "1.2",
      disableLocalAuth: true,
    }, { parent: this });
    this.registerOutputs({ namespaceId: this.namespace.id });
  }
}
