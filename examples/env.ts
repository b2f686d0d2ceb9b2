/** Where the examples connect: GREGOR_BOOTSTRAP, or the dev cluster's first node. */
export const BOOTSTRAP = process.env['GREGOR_BOOTSTRAP'] ?? '127.0.0.1:9092';
export const TOPIC = process.env['GREGOR_TOPIC'] ?? 'examples.orders';
