using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Runtime.Serialization;

namespace Iopkit
{
    /// <summary>
    /// Client-side rate limits shared by every client it is attached to
    /// (<see cref="IopClientBase.SetRateLimiter"/>): token-bucket budgets per app, per API or per
    /// seller, and the bans and daily quota learned from the platform's throttling answers. A call
    /// that would exceed one waits up to the max wait, else fails with
    /// <see cref="IopRateLimitedException"/> (<see cref="IopException.RetryAfter"/> says when to
    /// try again) without being sent; a used-up daily quota fails with
    /// <see cref="IopQuotaExceededException"/> until it resets. Budgets and bans live in the store
    /// it was made from: a <see cref="MemoryTokenStore"/> limits this process, a
    /// <see cref="RedisTokenStore"/> every host on that Redis and key prefix. Thread-safe. Dispose
    /// it when done (clients it is attached to keep using it).
    /// </summary>
    public sealed class RateLimiter : IDisposable
    {
        private readonly RateLimiterHandle handle;

        /// <summary>A limiter keeping its state in <paramref name="store"/>.</summary>
        /// <exception cref="IopInvalidArgumentException">A file or callback store (only memory and Redis stores hold limits).</exception>
        public RateLimiter(TokenStore store)
        {
            if (store == null)
            {
                throw new ArgumentNullException("store");
            }
            handle = Native.RateLimiterNew(store.Handle);
        }

        internal RateLimiterHandle Handle
        {
            get
            {
                if (handle.IsClosed)
                {
                    throw new ObjectDisposedException(GetType().FullName);
                }
                return handle;
            }
        }

        /// <summary>
        /// Sets a token-bucket budget: <paramref name="ratePerSecond"/> calls per second (0 removes the
        /// budget) with bursts of <paramref name="burst"/> (at least 1; <see cref="IopConstants.UseDefault"/>:
        /// the rate rounded up). <see cref="IopLimitScope.App"/> and <see cref="IopLimitScope.Seller"/>
        /// (one bucket per access token) take no <paramref name="name"/>; <see cref="IopLimitScope.Api"/>
        /// takes an API name (<c>/order/get</c>), or null for every API, each its own bucket.
        /// </summary>
        /// <exception cref="IopInvalidArgumentException">A negative rate, a burst below 1, or a name where none belongs.</exception>
        public void SetBudget(IopLimitScope scope, string name, double ratePerSecond, int burst = IopConstants.UseDefault)
        {
            Native.RateLimiterSetBudget(Handle, (int)scope, name, ratePerSecond, burst);
        }

        /// <summary>Removes a budget set with <see cref="SetBudget"/>.</summary>
        public void RemoveBudget(IopLimitScope scope, string name = null)
        {
            SetBudget(scope, name, 0);
        }

        /// <summary>How long a call may wait for its budget or for a ban to end before it fails with
        /// <see cref="IopRateLimitedException"/>: <see cref="TimeSpan.Zero"/> fails at once, null
        /// restores the default (<see cref="IopConstants.DefaultRateLimitMaxWaitMs"/>). Rounded up to whole milliseconds.</summary>
        /// <exception cref="IopInvalidArgumentException">A negative wait.</exception>
        public void SetMaxWait(TimeSpan? maxWait)
        {
            long ms = !maxWait.HasValue ? IopConstants.UseDefault
                : maxWait.Value < TimeSpan.Zero ? -2 : (long)Math.Ceiling(maxWait.Value.TotalMilliseconds);
            Native.RateLimiterSetMaxWaitMs(Handle, ms);
        }

        /// <summary>The budgets of <paramref name="appKey"/> and the bans in force, as libiop's JSON.</summary>
        public string StatusJson(string appKey)
        {
            return Native.RateLimiterStatusJson(Handle, appKey);
        }

        /// <summary>The budgets of <paramref name="appKey"/> (with what is available now) and the bans in force.</summary>
        public RateLimitStatus Status(string appKey)
        {
            return new RateLimitStatus(Json.Parse<RateLimitStatus.Wire>(StatusJson(appKey)));
        }

        /// <summary>Frees this handle of the native limiter. Safe to call more than once.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }
    }

    /// <summary>What <see cref="RateLimiter.Status"/> reports. Immutable.</summary>
    public sealed class RateLimitStatus
    {
        internal RateLimitStatus(Wire w)
        {
            List<Budget> budgets = new List<Budget>();
            foreach (BudgetWire b in w.Budgets ?? new BudgetWire[0])
            {
                budgets.Add(new Budget(b));
            }
            List<Ban> bans = new List<Ban>();
            foreach (BanWire b in w.Bans ?? new BanWire[0])
            {
                bans.Add(new Ban(b));
            }
            Budgets = new ReadOnlyCollection<Budget>(budgets);
            Bans = new ReadOnlyCollection<Ban>(bans);
        }

        /// <summary>The budgets.</summary>
        public IReadOnlyList<Budget> Budgets { get; private set; }

        /// <summary>The bans in force.</summary>
        public IReadOnlyList<Ban> Bans { get; private set; }

        /// <summary>A budget and what is left of it now.</summary>
        public sealed class Budget
        {
            internal Budget(BudgetWire w)
            {
                Scope = w.Scope;
                Name = w.Name;
                RatePerSecond = w.RatePerSecond;
                Burst = w.Burst;
                Available = w.Available;
            }

            /// <summary><c>"app"</c>, <c>"api"</c> or <c>"seller"</c>.</summary>
            public string Scope { get; private set; }

            /// <summary>The API name for an API budget, else null.</summary>
            public string Name { get; private set; }

            /// <summary>Calls per second.</summary>
            public double RatePerSecond { get; private set; }

            /// <summary>The bucket's size.</summary>
            public int Burst { get; private set; }

            /// <summary>Calls that may be made now without waiting (may be fractional).</summary>
            public double Available { get; private set; }
        }

        /// <summary>A ban learned from the platform.</summary>
        public sealed class Ban
        {
            internal Ban(BanWire w)
            {
                Scope = w.Scope;
                Name = w.Name;
                Until = Native.Instant(w.UntilMs);
                Code = w.Code;
            }

            /// <summary><c>"app"</c>, <c>"api"</c>, <c>"seller"</c> or <c>"daily"</c>.</summary>
            public string Scope { get; private set; }

            /// <summary>The API name for an API ban, else null.</summary>
            public string Name { get; private set; }

            /// <summary>When the ban ends.</summary>
            public DateTimeOffset Until { get; private set; }

            /// <summary>The platform code that caused it (<c>ApiCallLimit</c>, …).</summary>
            public string Code { get; private set; }
        }

        [DataContract]
        internal sealed class Wire
        {
            [DataMember(Name = "budgets")]
            internal BudgetWire[] Budgets;

            [DataMember(Name = "bans")]
            internal BanWire[] Bans;
        }

        [DataContract]
        internal sealed class BudgetWire
        {
            [DataMember(Name = "scope")]
            internal string Scope;

            [DataMember(Name = "name")]
            internal string Name;

            [DataMember(Name = "rate_per_second")]
            internal double RatePerSecond;

            [DataMember(Name = "burst")]
            internal int Burst;

            [DataMember(Name = "available")]
            internal double Available;
        }

        [DataContract]
        internal sealed class BanWire
        {
            [DataMember(Name = "scope")]
            internal string Scope;

            [DataMember(Name = "name")]
            internal string Name;

            [DataMember(Name = "until_ms")]
            internal long UntilMs;

            [DataMember(Name = "code")]
            internal string Code;
        }
    }
}
