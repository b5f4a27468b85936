/** Where the RabbitMQ step puts things on the guest (Debian's package ships none of these). */
export const RABBIT_CONF = "/etc/rabbitmq/rabbitmq.conf";
export const RABBIT_DEFINITIONS = "/etc/parity/rabbitmq/definitions.json";
