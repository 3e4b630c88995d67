using System.Globalization;
using System.Net;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Grains.Payments;
using Stripe;
using Stripe.Checkout;
using MeterEventStreamCreateEventOptions = Stripe.V2.Billing.MeterEventStreamCreateEventOptions;
using MeterEventStreamCreateOptions = Stripe.V2.Billing.MeterEventStreamCreateOptions;

namespace OrleansBilling.Grains.Stripe;

/// <summary>
/// The payment-provider port on Stripe.net. Every object it creates carries
/// <c>metadata.product</c> and <c>metadata.customer</c>; every write carries the idempotency key
/// the grain derived from domain ids. Stripe's types stay in this class. Usage goes to Stripe's v2
/// high-throughput meter event stream, whose session token is kept for every send.
/// </summary>
public sealed class StripePaymentProvider(IStripeClientSource source, TimeProvider clock) : IPaymentProvider
{
    /// <summary>Stripe's limit of events per meter event stream call.</summary>
    public const int MaxMeterEventsPerCall = 100;

    private readonly MeterEventSessionToken meterEventSession = new(source, clock);

    private StripeClient Client => source.Client;

    public Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutSessionRequest request, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var metadata = new Dictionary<string, string> { ["product"] = request.ProductId, ["customer"] = request.CustomerId };
            var customerId = request.ProviderCustomerId;
            if (customerId is null)
            {
                // One Stripe customer per subscription grain, created once and reused by every later checkout.
                var customer = await Client.V1.Customers.CreateAsync(
                    new CustomerCreateOptions { Email = request.Email, Metadata = metadata },
                    Idempotent($"{request.IdempotencyKey}/customer"),
                    cancellationToken);
                customerId = customer.Id;
            }

            var session = await Client.V1.Checkout.Sessions.CreateAsync(
                new SessionCreateOptions
                {
                    Mode = "subscription",
                    Customer = customerId,
                    ClientReferenceId = $"{request.ProductId}/{request.CustomerId}",
                    // A metered price takes no quantity: its usage comes from the meter. Flexible billing mode bills the
                    // usage of a metered price taken off mid-period (a plan change); classic would drop it.
                    LineItems =
                    [
                        new SessionLineItemOptions { Price = request.Plan.ProviderPriceId, Quantity = 1 },
                        .. (request.MeteredPriceIds ?? []).Select(price => new SessionLineItemOptions { Price = price }),
                    ],
                    SuccessUrl = request.SuccessUrl,
                    CancelUrl = request.CancelUrl,
                    Metadata = metadata,
                    SubscriptionData = new SessionSubscriptionDataOptions
                    {
                        Metadata = metadata,
                        TrialPeriodDays = request.TrialDays > 0 ? request.TrialDays : null,
                        BillingMode = new SessionSubscriptionDataBillingModeOptions { Type = "flexible" },
                    },
                    AllowPromotionCodes = request.AllowPromotionCodes ? true : null,
                    AutomaticTax = request.AutomaticTax ? new SessionAutomaticTaxOptions { Enabled = true } : null,
                },
                Idempotent(request.IdempotencyKey),
                cancellationToken);
            return new CheckoutSession(session.Id, session.Url, customerId, Utc(session.ExpiresAt));
        });

    public Task<string> ExpireCheckoutSessionAsync(string sessionId, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            try
            {
                return (await Client.V1.Checkout.Sessions.ExpireAsync(sessionId, new SessionExpireOptions(), Idempotent(idempotencyKey), cancellationToken)).Status;
            }
            catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.BadRequest)
            {
                // Only an open session can be expired: it is expired already, or was paid a moment ago.
                return (await Client.V1.Checkout.Sessions.GetAsync(sessionId, null, null, cancellationToken)).Status;
            }
        });

    public Task CancelSubscriptionAsync(string providerSubscriptionId, bool atPeriodEnd, bool invoiceUsage, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(() => atPeriodEnd
            ? Client.V1.Subscriptions.UpdateAsync(providerSubscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, Idempotent(idempotencyKey), cancellationToken)
            : Client.V1.Subscriptions.CancelAsync(providerSubscriptionId, new SubscriptionCancelOptions { InvoiceNow = invoiceUsage, Prorate = false }, Idempotent(idempotencyKey), cancellationToken));

    public Task UndoScheduledCancelAsync(string providerSubscriptionId, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(() => Client.V1.Subscriptions.UpdateAsync(
            providerSubscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = false }, Idempotent(idempotencyKey), cancellationToken));

    public Task PauseCollectionAsync(string providerSubscriptionId, PauseRequest pause, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(() => Client.V1.Subscriptions.UpdateAsync(
            providerSubscriptionId,
            new SubscriptionUpdateOptions
            {
                PauseCollection = new SubscriptionPauseCollectionOptions
                {
                    Behavior = pause.Behavior switch
                    {
                        PauseBehavior.KeepAsDraft => "keep_as_draft",
                        PauseBehavior.MarkUncollectible => "mark_uncollectible",
                        _ => "void",
                    },
                    ResumesAt = pause.ResumesAt?.UtcDateTime,
                },
            },
            Idempotent(idempotencyKey),
            cancellationToken));

    public Task ResumeCollectionAsync(string providerSubscriptionId, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            // A subscription Stripe itself paused (a trial that ended without a card) has the status "paused"
            // and is resumed; a paused collection is resumed by clearing pause_collection.
            var subscription = await Client.V1.Subscriptions.GetAsync(providerSubscriptionId, null, null, cancellationToken);
            if (subscription.Status == "paused")
            {
                return await Client.V1.Subscriptions.ResumeAsync(providerSubscriptionId, new SubscriptionResumeOptions(), Idempotent(idempotencyKey), cancellationToken);
            }

            var unpause = new SubscriptionUpdateOptions();
            unpause.AddExtraParam("pause_collection", "");
            return await Client.V1.Subscriptions.UpdateAsync(providerSubscriptionId, unpause, Idempotent(idempotencyKey), cancellationToken);
        });

    public Task<bool> ChangePriceAsync(string providerSubscriptionId, string providerPriceId, IReadOnlyList<string>? meteredPriceIds, ProrationMode proration, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var subscription = await Client.V1.Subscriptions.GetAsync(providerSubscriptionId, null, null, cancellationToken);
            if (Licensed(subscription)?.Price?.Id != providerPriceId)
            {
                var changed = await Client.V1.Subscriptions.UpdateAsync(
                    providerSubscriptionId,
                    new SubscriptionUpdateOptions
                    {
                        Items = [new SubscriptionItemOptions { Id = Licensed(subscription)?.Id, Price = providerPriceId }],
                        ProrationBehavior = proration switch
                        {
                            ProrationMode.AlwaysInvoice => "always_invoice",
                            ProrationMode.None => "none",
                            _ => "create_prorations",
                        },

                        // Charged at once: the new price only if the payment goes through (else a pending update,
                        // which holds only the price of existing items: the metered prices wait for it).
                        PaymentBehavior = proration == ProrationMode.AlwaysInvoice ? "pending_if_incomplete" : null,
                    },
                    Idempotent(idempotencyKey),
                    cancellationToken);
                if (changed.PendingUpdate is not null)
                {
                    return false;
                }

                subscription = changed;
            }

            if (meteredPriceIds is not null)
            {
                await SwapMeteredAsync(subscription, meteredPriceIds, $"{idempotencyKey}/metered", cancellationToken);
            }

            return true;
        });

    public Task<bool> ChangeMeteredPricesAsync(string providerSubscriptionId, string providerPriceId, IReadOnlyList<string> meteredPriceIds, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var subscription = await Client.V1.Subscriptions.GetAsync(providerSubscriptionId, null, null, cancellationToken);
            if (Licensed(subscription)?.Price?.Id != providerPriceId)
            {
                return false;
            }

            await SwapMeteredAsync(subscription, meteredPriceIds, idempotencyKey, cancellationToken);
            return true;
        });

    public Task<(long ProrationMinor, long NextPeriodMinor, string Currency)> PreviewPriceChangeAsync(string providerSubscriptionId, string providerPriceId, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var subscription = await Client.V1.Subscriptions.GetAsync(providerSubscriptionId, null, null, cancellationToken);
            var preview = await Client.V1.Invoices.CreatePreviewAsync(
                new InvoiceCreatePreviewOptions
                {
                    Subscription = providerSubscriptionId,
                    SubscriptionDetails = new InvoiceSubscriptionDetailsOptions
                    {
                        Items = [new InvoiceSubscriptionDetailsItemOptions { Id = Licensed(subscription)?.Id, Price = providerPriceId }],
                        ProrationBehavior = "create_prorations",
                    },
                },
                null,
                cancellationToken);
            var lines = preview.Lines?.Data ?? [];
            var proration = lines.Where(IsProration).Sum(l => l.Amount);
            // The next period at the new price, less what discounts take off it; metered lines (usage so far) are not what
            // the change costs.
            var next = lines.Where(l => !IsProration(l) && l.Pricing?.PriceDetails?.PriceId == providerPriceId)
                .Sum(l => l.Amount - (l.DiscountAmounts?.Sum(d => d.Amount) ?? 0));
            return (proration, next, preview.Currency);

            static bool IsProration(InvoiceLineItem line) => line.Parent?.SubscriptionItemDetails?.Proration == true;
        });

    public Task<ProviderSubscription> GetSubscriptionAsync(string providerSubscriptionId, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            // The customer comes with it: its email address is where lifecycle email goes. So do the discounts with
            // their coupons (what they take off, for how long, and an amount off in each currency it has).
            var subscription = await Client.V1.Subscriptions.GetAsync(
                providerSubscriptionId,
                new SubscriptionGetOptions { Expand = ["customer", "discounts.source.coupon.currency_options"] },
                null,
                cancellationToken);
            var status = StripeStatus.Parse(subscription.Status);

            // Whether the latest invoice is paid only matters when Stripe says "past due".
            var latestPaid = false;
            if (status is ProviderSubscriptionStatus.PastDue or ProviderSubscriptionStatus.Unpaid && subscription.LatestInvoiceId is { } latest)
            {
                latestPaid = (await Client.V1.Invoices.GetAsync(latest, null, null, cancellationToken)).Status == "paid";
            }

            var item = Licensed(subscription);
            return new ProviderSubscription(
                subscription.Id,
                subscription.CustomerId,
                status,
                subscription.CancelAtPeriodEnd,
                item?.Price?.Id,
                Utc(item?.CurrentPeriodStart),
                Utc(item?.CurrentPeriodEnd),
                Utc(subscription.TrialEnd),
                subscription.LatestInvoiceId,
                latestPaid,
                subscription.Customer?.Email,
                subscription.PauseCollection is not null,
                (int)(item?.Quantity ?? 1),
                [.. (subscription.Discounts ?? []).Select(discount => DiscountOf(discount, subscription.Currency))],
                subscription.StripeResponse?.Date);
        });

    public Task<ProviderInvoice> GetInvoiceAsync(string providerInvoiceId, CancellationToken cancellationToken) =>
        Call(async () => InvoiceOf(await Client.V1.Invoices.GetAsync(providerInvoiceId, new InvoiceGetOptions { Expand = ["payments"] }, null, cancellationToken)));

    public Task<IReadOnlyList<ProviderInvoice>> ListInvoicesAsync(string providerCustomerId, int limit, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var invoices = await Client.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = providerCustomerId, Limit = limit }, null, cancellationToken);
            return (IReadOnlyList<ProviderInvoice>)invoices.Data.Select(InvoiceOf).ToList();
        });

    public Task<ProviderInvoice> PayInvoiceAsync(string providerInvoiceId, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(async () => InvoiceOf(await Client.V1.Invoices.PayAsync(providerInvoiceId, new InvoicePayOptions { Expand = ["payments"] }, Idempotent(idempotencyKey), cancellationToken)));

    public Task<RefundablePayment> GetRefundableAsync(string? invoiceId, string? chargeId, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            if (invoiceId is not null)
            {
                // The invoice's payment is includable: asked for, then its payment intent's charge.
                var invoice = await Client.V1.Invoices.GetAsync(invoiceId, new InvoiceGetOptions { Expand = ["payments"] }, null, cancellationToken);
                var intentId = invoice.Payments?.Data?.FirstOrDefault(p => p.Status == "paid")?.Payment?.PaymentIntentId
                    ?? throw new PaymentProviderException($"Invoice {invoiceId} has no payment to refund.", transient: false);
                chargeId = (await Client.V1.PaymentIntents.GetAsync(intentId, null, null, cancellationToken)).LatestChargeId
                    ?? throw new PaymentProviderException($"Invoice {invoiceId} has no charge to refund.", transient: false);
            }

            var charge = await Client.V1.Charges.GetAsync(chargeId, null, null, cancellationToken);
            return new RefundablePayment(charge.Id, charge.CustomerId, invoiceId, charge.Paid ? charge.Amount : 0, charge.AmountRefunded, charge.Currency);
        });

    public Task<ProviderRefund> RefundAsync(string subscriptionKey, string chargeId, long? amountMinor, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var (productId, customerId) = BillingIds.ParseSubscriptionKey(subscriptionKey);
            var refund = await Client.V1.Refunds.CreateAsync(
                new RefundCreateOptions
                {
                    Charge = chargeId,
                    Amount = amountMinor,
                    Reason = "requested_by_customer",
                    Metadata = new Dictionary<string, string> { ["product"] = productId, ["customer"] = customerId },
                },
                Idempotent(idempotencyKey),
                cancellationToken);
            return new ProviderRefund(refund.Id, refund.Amount, refund.Status);
        });

    public Task SendMeterEventsAsync(IReadOnlyList<MeterEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count > MaxMeterEventsPerCall)
        {
            throw new ArgumentException($"Stripe takes at most {MaxMeterEventsPerCall} meter events per call; this batch has {events.Count}.", nameof(events));
        }

        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        var options = new MeterEventStreamCreateOptions { Events = [.. events.Select(StreamEventOf)] };
        return Call(async () =>
        {
            var token = await meterEventSession.CurrentAsync(cancellationToken);
            try
            {
                return await StreamAsync(options, token, cancellationToken);
            }
            catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.Unauthorized)
            {
                // The session lapsed before its announced expiry (clock skew) or was revoked: one new session, one more try.
                return await StreamAsync(options, await meterEventSession.ReplaceAsync(token, cancellationToken), cancellationToken);
            }
        });
    }

    public Task<string> CreatePortalSessionAsync(string providerCustomerId, string returnUrl, string? configurationId, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(async () => (await Client.V1.BillingPortal.Sessions.CreateAsync(
            new global::Stripe.BillingPortal.SessionCreateOptions { Customer = providerCustomerId, ReturnUrl = returnUrl, Configuration = configurationId },
            Idempotent(idempotencyKey),
            cancellationToken)).Url);

    public Task<string> CreatePortalConfigurationAsync(PortalConfigurationRequest request, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            // The portal lists switchable prices under their Stripe products, which only Stripe knows.
            var products = new List<global::Stripe.BillingPortal.ConfigurationFeaturesSubscriptionUpdateProductOptions>();
            foreach (var priceId in request.SwitchPriceIds)
            {
                var price = await Client.V1.Prices.GetAsync(priceId, null, null, cancellationToken);
                if (products.Find(p => p.Product == price.ProductId) is { } known)
                {
                    known.Prices.Add(priceId);
                }
                else
                {
                    products.Add(new() { Product = price.ProductId, Prices = [priceId] });
                }
            }

            var features = request.Features;
            var configuration = await Client.V1.BillingPortal.Configurations.CreateAsync(
                new global::Stripe.BillingPortal.ConfigurationCreateOptions
                {
                    BusinessProfile = new() { Headline = request.ProductName },
                    Features = new()
                    {
                        InvoiceHistory = new() { Enabled = features.Invoices },
                        PaymentMethodUpdate = new() { Enabled = features.UpdatePaymentMethod },
                        SubscriptionCancel = new()
                        {
                            Enabled = features.Cancel,
                            Mode = features.CancelImmediately ? "immediately" : "at_period_end",
                            ProrationBehavior = "none",
                        },
                        SubscriptionUpdate = new()
                        {
                            Enabled = products.Count > 1 || products.Sum(p => p.Prices.Count) > 1,
                            DefaultAllowedUpdates = products.Count == 0 ? [] : ["price"],
                            Products = products.Count == 0 ? null : products,
                            ProrationBehavior = "create_prorations",
                        },
                    },
                    Metadata = new Dictionary<string, string> { ["product"] = request.ProductId },
                },
                Idempotent(idempotencyKey),
                cancellationToken);
            return configuration.Id;
        });

    /// <summary>The subscription's flat (licensed) item: the plan. Metered items stand beside it.</summary>
    public static SubscriptionItem? Licensed(Subscription subscription) =>
        subscription.Items?.Data?.FirstOrDefault(item => item.Price?.Recurring?.UsageType != "metered");

    /// <summary>
    /// Takes off the metered items no longer wanted and adds the missing ones, in one update that bills the usage
    /// of those taken off so far (flexible billing mode); nothing when they are as wanted.
    /// </summary>
    private async Task SwapMeteredAsync(Subscription subscription, IReadOnlyList<string> meteredPriceIds, string idempotencyKey, CancellationToken cancellationToken)
    {
        var metered = subscription.Items.Data.Where(item => item.Price?.Recurring?.UsageType == "metered").ToList();
        List<SubscriptionItemOptions> changes =
        [
            .. metered.Where(item => !meteredPriceIds.Contains(item.Price.Id)).Select(item => new SubscriptionItemOptions { Id = item.Id, Deleted = true }),
            .. meteredPriceIds.Where(id => !metered.Any(item => item.Price.Id == id)).Select(id => new SubscriptionItemOptions { Price = id }),
        ];
        if (changes.Count > 0)
        {
            await Client.V1.Subscriptions.UpdateAsync(
                subscription.Id,
                new SubscriptionUpdateOptions { Items = changes, ProrationBehavior = "create_prorations" },
                Idempotent(idempotencyKey),
                cancellationToken);
        }
    }

    /// <summary>
    /// A discount and its (expanded) coupon in the port's terms: an amount off in the subscription's currency where the
    /// coupon has one for it. A discount whose coupon is not described (another kind of source, an unknown duration)
    /// is kept as <see cref="DiscountDuration.Unknown"/>: known by its id, never counted, and the subscription goes on.
    /// </summary>
    public static PriceDiscount DiscountOf(Discount discount, string? currency)
    {
        var coupon = discount.Source?.Coupon;
        var duration = coupon?.Duration switch
        {
            "once" => DiscountDuration.Once,
            "repeating" => DiscountDuration.Repeating,
            "forever" => DiscountDuration.Forever,
            _ => DiscountDuration.Unknown,
        };
        if (coupon is null || duration == DiscountDuration.Unknown)
        {
            return new PriceDiscount(discount.Id, coupon?.Id ?? discount.Source?.CouponId ?? "", DiscountDuration.Unknown);
        }

        return coupon is { AmountOff: not null } && coupon.Currency != currency && currency is not null
            && coupon.CurrencyOptions?.GetValueOrDefault(currency) is { AmountOff: { } local }
            ? new PriceDiscount(discount.Id, coupon.Id, duration, null, local, currency, Utc(discount.End))
            : new PriceDiscount(discount.Id, coupon.Id, duration, coupon.PercentOff, coupon.AmountOff, coupon.Currency, Utc(discount.End));
    }

    /// <summary>The invoice in the port's terms; its payment is there only when <c>payments</c> was expanded (an includable field).</summary>
    private static ProviderInvoice InvoiceOf(Invoice invoice) => new(
        invoice.Id,
        invoice.Parent?.SubscriptionDetails?.SubscriptionId,
        invoice.Status,
        invoice.AmountDue,
        invoice.AmountPaid,
        invoice.Currency,
        Utc(invoice.Created)!.Value,
        Utc(invoice.PeriodStart),
        Utc(invoice.PeriodEnd),
        invoice.HostedInvoiceUrl,
        invoice.Payments?.Data?.FirstOrDefault()?.Payment?.PaymentIntentId);


    private Task<EmptyStripeEntity> StreamAsync(MeterEventStreamCreateOptions options, string token, CancellationToken cancellationToken) =>
        Client.V2.Billing.MeterEventStream.CreateAsync(options, new RequestOptions { ApiKey = token }, cancellationToken);

    private static MeterEventStreamCreateEventOptions StreamEventOf(MeterEvent meterEvent)
    {
        ArgumentException.ThrowIfNullOrEmpty(meterEvent.EventName, nameof(meterEvent));
        ArgumentException.ThrowIfNullOrEmpty(meterEvent.ProviderCustomerId, nameof(meterEvent));
        ArgumentException.ThrowIfNullOrEmpty(meterEvent.Identifier, nameof(meterEvent));
        return new MeterEventStreamCreateEventOptions
        {
            EventName = meterEvent.EventName,
            Identifier = meterEvent.Identifier,
            Payload = new Dictionary<string, string> { ["stripe_customer_id"] = meterEvent.ProviderCustomerId, ["value"] = MeterValue(meterEvent) },
            Timestamp = meterEvent.Timestamp.UtcDateTime,
        };
    }

    /// <summary>
    /// The value as a plain decimal string, never with an exponent nor trailing zeros. Stripe refuses
    /// more than 15 significant digits: a value the usage rules would not accept is refused here too.
    /// </summary>
    private static string MeterValue(MeterEvent meterEvent) =>
        UsageQuantities.Fits(meterEvent.Value, UsageQuantities.Ceiling)
            ? meterEvent.Value.ToString("0.######", CultureInfo.InvariantCulture)
            : throw new ArgumentException($"Meter event '{meterEvent.Identifier}' has a value Stripe cannot take: {meterEvent.Value}.", nameof(meterEvent));

    private static DateTimeOffset? Utc(DateTime? time) =>
        time is { } t && t != default ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    private static RequestOptions Idempotent(string key) => new() { IdempotencyKey = key };

    /// <summary>Stripe's failures become the port's: transient when a retry may help (network, 409, 429, 5xx, this silo's rate spent).</summary>
    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StripeException ex)
        {
            var status = (int)ex.HttpStatusCode;
            var transient = status is 0 or (int)HttpStatusCode.Conflict or (int)HttpStatusCode.TooManyRequests or >= 500;
            var reason = ex.StripeError?.DeclineCode ?? ex.StripeError?.Code ?? ex.StripeError?.Type ?? "error";
            throw new PaymentProviderException($"Stripe refused the request ({status}, {reason}): {ex.StripeError?.Message ?? ex.Message}", transient, ex, ex.StripeError?.Code);
        }
        catch (HttpRequestException ex)
        {
            throw new PaymentProviderException($"Stripe could not be reached: {ex.Message}", transient: true, ex);
        }
        catch (TaskCanceledException ex)
        {
            throw new PaymentProviderException("Stripe did not answer in time.", transient: true, ex);
        }
        catch (StripeBudgetSpentException ex)
        {
            throw new PaymentProviderException(ex.Message, transient: true, ex);
        }
    }
}
