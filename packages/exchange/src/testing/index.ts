// Test helpers of the exchange package (`@dinhdanh/exchange/testing`), never used by production code.
export {
  checkWebhookSignature,
  type ReceivedWebhook,
  type ReceiverBehaviour,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../events/testing/webhook-receiver.ts';
export { NATS_SERVER_BINARY, type NatsServer, natsServerAvailable, startNatsServer } from './nats-server.ts';
