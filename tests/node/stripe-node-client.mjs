// An independent client of the sandbox: Stripe's official Node library (npm `stripe`, from the
// lockfile) calls every endpoint of Stripe's API the service uses, with the parameters the service
// sends, and verifies the signature of webhook deliveries the sandbox made. Whatever only this
// project wrote (the sandbox's parsing, shapes, errors and signatures) is checked by code it did not
// write. Run by Sandbox/NodeStripeClientTests.cs:
//
//   node stripe-node-client.mjs <sandbox base URL> <test secret key> <file of recorded deliveries>
//
// It prints one JSON line per step ({"step", "ok", ...}) and exits 1 at the first step that fails.
import { readFile } from 'node:fs/promises';
import Stripe from 'stripe';

const [baseUrl, apiKey, deliveriesFile] = process.argv.slice(2);
const base = new URL(baseUrl);

// The library knows Stripe's paths (/v1/…, /v2/…); the sandbox serves them under /sandbox/stripe.
const nodeHttp = Stripe.createNodeHttpClient();
const sandboxHttp = {
  getClientName: () => 'sandbox',
  makeRequest: (host, port, path, method, headers, requestData, protocol, timeout) =>
    nodeHttp.makeRequest(host, port, `/sandbox/stripe${path}`, method, headers, requestData, protocol, timeout),
};

const stripe = new Stripe(apiKey, {
  host: base.hostname,
  port: base.port,
  protocol: base.protocol.replace(':', ''),
  httpClient: sandboxHttp,
  maxNetworkRetries: 0,
  telemetry: false,
});

const metadata = { product: 'node', customer: 'n1' };
const report = (step, details = {}) => console.log(JSON.stringify({ step, ok: true, ...details }));

function expect(condition, step, message) {
  if (!condition) {
    throw new Error(`${step}: ${message}`);
  }
}

async function control(path, body) {
  const response = await fetch(new URL(`/sandbox/${path}`, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.ok, path, `the sandbox's control answered ${response.status}`);
  return response.json();
}

async function step(name, run) {
  try {
    const details = await run();
    report(name, details);
  } catch (error) {
    console.log(JSON.stringify({ step: name, ok: false, type: error.type, code: error.code, message: error.message }));
    process.exit(1);
  }
}

let customer, session, subscription, invoice, paymentIntent, charge;

await step('customers.create', async () => {
  customer = await stripe.customers.create({ email: 'node@example.com', metadata }, { idempotencyKey: 'node/customer' });
  expect(customer.id.startsWith('cus_'), 'customers.create', customer.id);
  return { id: customer.id };
});

await step('customers.retrieve', async () => {
  const read = await stripe.customers.retrieve(customer.id);
  expect(read.email === 'node@example.com' && read.metadata.product === 'node', 'customers.retrieve', JSON.stringify(read));
});

await step('checkout.sessions.create', async () => {
  session = await stripe.checkout.sessions.create(
    {
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: 'node/n1',
      line_items: [{ price: 'price_basic', quantity: 1 }, { price: 'price_basic_calls' }],
      success_url: 'https://app.example/success?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://app.example/cancel',
      metadata,
      subscription_data: { metadata },
      allow_promotion_codes: true,
      automatic_tax: { enabled: true },
    },
    { idempotencyKey: 'node/checkout-1' });
  expect(session.status === 'open' && session.url, 'checkout.sessions.create', JSON.stringify(session));
  return { id: session.id };
});

await step('checkout.sessions.retrieve', async () => {
  const read = await stripe.checkout.sessions.retrieve(session.id);
  expect(read.id === session.id && read.mode === 'subscription', 'checkout.sessions.retrieve', read.mode);
});

await step('checkout completed on the hosted page', async () => {
  const done = await control(`checkout/${session.id}/complete`, { card: '4242424242424242' });
  expect(done.status === 'complete', 'complete', JSON.stringify(done));
});

await step('subscriptions.list', async () => {
  const list = await stripe.subscriptions.list({ customer: customer.id, limit: 10 });
  expect(list.data.length === 1, 'subscriptions.list', `${list.data.length} subscriptions`);
  subscription = list.data[0];
});

await step('subscriptions.retrieve with the customer expanded', async () => {
  const read = await stripe.subscriptions.retrieve(subscription.id, { expand: ['customer'] });
  expect(read.customer.email === 'node@example.com' && read.items.data[0].current_period_end > 0, 'subscriptions.retrieve', JSON.stringify(read.customer));
});

await step('subscriptions.update: another price, its metered price swapped with it', async () => {
  const metered = subscription.items.data[1];
  expect(metered.price.recurring.usage_type === 'metered' && metered.quantity === undefined, 'metered item', JSON.stringify(metered));
  const updated = await stripe.subscriptions.update(
    subscription.id,
    {
      items: [{ id: subscription.items.data[0].id, price: 'price_pro' }, { id: metered.id, deleted: true }, { price: 'price_pro_calls' }],
      proration_behavior: 'create_prorations',
    },
    { idempotencyKey: 'node/plan' });
  const prices = updated.items.data.map((item) => item.price.id).join(',');
  expect(prices === 'price_pro,price_pro_calls', 'plan', prices);
});

await step('invoices.createPreview of a price change', async () => {
  const preview = await stripe.invoices.createPreview({
    subscription: subscription.id,
    subscription_details: { items: [{ id: subscription.items.data[0].id, price: 'price_basic' }], proration_behavior: 'create_prorations' },
  });
  const next = preview.lines.data.filter(l => !l.parent.subscription_item_details.proration);
  expect(next.length === 1 && next[0].amount === 1000, 'createPreview', JSON.stringify(preview.lines.data.map(l => l.amount)));
});

await step('subscriptions.update: a price charged at once, pending if its payment fails', async () => {
  const updated = await stripe.subscriptions.update(
    subscription.id,
    { items: [{ id: subscription.items.data[0].id, price: 'price_basic' }], proration_behavior: 'always_invoice', payment_behavior: 'pending_if_incomplete' },
    { idempotencyKey: 'node/plan-now' });
  expect(updated.items.data[0].price.id === 'price_basic' && updated.pending_update === null, 'pending_if_incomplete', JSON.stringify(updated.pending_update));
});

await step('subscriptions.update: cancel at the period end, then not', async () => {
  const scheduled = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
  const undone = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: false });
  expect(scheduled.cancel_at_period_end && !undone.cancel_at_period_end, 'cancel_at_period_end', '');
});

await step('subscriptions.update: pause collection, then resume it', async () => {
  const paused = await stripe.subscriptions.update(subscription.id, { pause_collection: { behavior: 'void' } });
  const resumed = await stripe.subscriptions.update(subscription.id, { pause_collection: '' });
  expect(paused.pause_collection?.behavior === 'void' && resumed.pause_collection === null, 'pause_collection', JSON.stringify(paused.pause_collection));
  return { statusWhilePaused: paused.status };
});

await step('invoices.list with payments', async () => {
  const list = await stripe.invoices.list({ customer: customer.id, limit: 24, expand: ['data.payments'] });
  invoice = list.data.find(i => i.status === 'paid' && i.billing_reason === 'subscription_create');
  expect(invoice && invoice.payments.data.length === 1, 'invoices.list', JSON.stringify(list.data.map(i => i.status)));
  paymentIntent = invoice.payments.data[0].payment.payment_intent;
});

await step('invoices.retrieve: payments only when expanded', async () => {
  const plain = await stripe.invoices.retrieve(invoice.id);
  const expanded = await stripe.invoices.retrieve(invoice.id, { expand: ['payments'] });
  expect(plain.payments === undefined && expanded.payments.data[0].payment.payment_intent === paymentIntent, 'invoices.retrieve', '');
  return { parentSubscription: expanded.parent.subscription_details.subscription === subscription.id };
});

await step('paymentIntents.retrieve, charges.retrieve, prices.retrieve', async () => {
  const intent = await stripe.paymentIntents.retrieve(paymentIntent);
  charge = await stripe.charges.retrieve(intent.latest_charge);
  const price = await stripe.prices.retrieve('price_basic');
  expect(intent.status === 'succeeded' && charge.paid && price.recurring.interval === 'month', 'lookups', '');
});

await step('refunds.create and retrieve', async () => {
  const refund = await stripe.refunds.create({ payment_intent: paymentIntent, amount: 100, metadata }, { idempotencyKey: 'node/refund' });
  const read = await stripe.refunds.retrieve(refund.id);
  expect(read.amount === 100 && read.status === 'succeeded' && read.charge === charge.id, 'refunds', JSON.stringify(read));
});

await step('a refund of more than remains is refused', async () => {
  try {
    await stripe.refunds.create({ charge: charge.id, amount: charge.amount });
  } catch (error) {
    expect(error.type === 'StripeInvalidRequestError' && error.code === 'amount_too_large' && error.raw.doc_url, 'refund too large', JSON.stringify(error.raw));
    return { code: error.code };
  }
  throw new Error('the refund was accepted');
});

await step('an unknown parameter is refused', async () => {
  try {
    await stripe.customers.create({ emial: 'typo@example.com' });
  } catch (error) {
    expect(error.code === 'parameter_unknown' && error.param === 'emial', 'parameter_unknown', JSON.stringify(error.raw));
    return { message: error.message };
  }
  throw new Error('the unknown parameter was accepted');
});

await step('billingPortal.configurations.create and sessions.create with it', async () => {
  const basic = await stripe.prices.retrieve('price_basic');
  const configuration = await stripe.billingPortal.configurations.create(
    {
      business_profile: { headline: 'Node' },
      features: {
        invoice_history: { enabled: true },
        payment_method_update: { enabled: true },
        subscription_cancel: { enabled: true, mode: 'at_period_end', proration_behavior: 'none' },
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price'],
          products: [{ product: basic.product, prices: ['price_basic'] }],
          proration_behavior: 'create_prorations',
        },
      },
      metadata,
    },
    { idempotencyKey: 'node/portal-configuration' });
  expect(configuration.id.startsWith('bpc_') && configuration.features.subscription_cancel.enabled, 'portal configuration', JSON.stringify(configuration.features));
  const portal = await stripe.billingPortal.sessions.create(
    { customer: customer.id, return_url: 'https://app.example/account', configuration: configuration.id },
    { idempotencyKey: 'node/portal' });
  expect(portal.url.includes('/sandbox/portal/') && portal.configuration === configuration.id, 'portal', JSON.stringify(portal));
});

await step('billing.meterEvents.create', async () => {
  const meterEvent = await stripe.billing.meterEvents.create({
    event_name: 'api_calls',
    payload: { stripe_customer_id: customer.id, value: '3' },
    identifier: 'node-usage-1',
  });
  expect(meterEvent.identifier === 'node-usage-1', 'meter event', JSON.stringify(meterEvent));
});

await step('v2 meter event session and stream', async () => {
  const meterSession = await stripe.v2.billing.meterEventSession.create();
  const streaming = new Stripe(meterSession.authentication_token, {
    host: base.hostname, port: base.port, protocol: base.protocol.replace(':', ''), httpClient: sandboxHttp, maxNetworkRetries: 0, telemetry: false,
  });
  await streaming.v2.billing.meterEventStream.create({
    events: [{ event_name: 'api_calls', identifier: 'node-usage-2', payload: { stripe_customer_id: customer.id, value: '2.5' } }],
  });
});

await step('checkout.sessions.expire', async () => {
  const another = await stripe.checkout.sessions.create({
    mode: 'subscription', customer: customer.id, line_items: [{ price: 'price_basic', quantity: 1 }], success_url: 'https://app.example/success',
  });
  const expired = await stripe.checkout.sessions.expire(another.id);
  expect(expired.status === 'expired' && expired.url === null, 'expire', expired.status);
});

await step('invoices.pay of an invoice whose card fails', async () => {
  const failing = await stripe.checkout.sessions.create({
    mode: 'subscription', line_items: [{ price: 'price_basic', quantity: 1 }], success_url: 'https://app.example/success', customer_email: 'late@example.com',
  });
  const done = await control(`checkout/${failing.id}/complete`, { card: '4000000000000341' });
  await control('clock/advance', { days: 31 });
  const open = (await stripe.invoices.list({ subscription: done.subscription, status: 'open' })).data[0];
  expect(open, 'invoices.pay', 'no open invoice after the renewal failed');
  try {
    await stripe.invoices.pay(open.id, { expand: ['payments'] }, { idempotencyKey: 'node/pay' });
  } catch (error) {
    expect(error.type === 'StripeCardError' && error.code === 'card_declined', 'invoices.pay', JSON.stringify(error.raw));
    return { decline: error.decline_code };
  }
  throw new Error('the card that fails was charged');
});

await step('subscriptions.cancel', async () => {
  const canceled = await stripe.subscriptions.cancel(subscription.id, { invoice_now: false, prorate: false }, { idempotencyKey: 'node/cancel' });
  expect(canceled.status === 'canceled' && canceled.ended_at, 'cancel', canceled.status);
});

await step('events.list and retrieve', async () => {
  const list = await stripe.events.list({ type: 'invoice.paid', limit: 3 });
  const read = await stripe.events.retrieve(list.data[0].id);
  expect(read.type === 'invoice.paid' && read.api_version === Stripe.API_VERSION, 'events', `${read.api_version} vs ${Stripe.API_VERSION}`);
});

await step('webhooks.constructEvent on every recorded delivery', async () => {
  const { secret, deliveries } = JSON.parse(await readFile(deliveriesFile, 'utf8'));
  for (const delivery of deliveries) {
    const event = await stripe.webhooks.constructEventAsync(delivery.body, delivery.signature, secret, 300, undefined, delivery.receivedAt);
    expect(event.type === delivery.type, 'constructEvent', event.type);
  }
  try {
    await stripe.webhooks.constructEventAsync(deliveries[0].body + ' ', deliveries[0].signature, secret, 300, undefined, deliveries[0].receivedAt);
  } catch (error) {
    expect(error.type === 'StripeSignatureVerificationError', 'constructEvent', `a changed body failed otherwise: ${error.message}`);
    return { verified: deliveries.length };
  }
  throw new Error('a changed body verified');
});
