// TraceSource.TraceEvent is [Conditional("TRACE")]: defined here so that every build (the .NET SDK's,
// which defines it, and a plain mcs/csc one, which does not) traces the events.
#define TRACE

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace Iopkit
{
    /// <summary>
    /// libiop's event stream (calls, retries, token refreshes, store lock waits, rate limits), routed
    /// to the .NET ways of logging: the <see cref="TraceSource"/> <c>"Iopkit"</c>
    /// (<see cref="Source"/>, configurable in app.config like any other) and the
    /// <see cref="Event"/> event, to which an <c>ILogger</c> or any other logger can be hooked
    /// without this package depending on one. Events never contain a secret, token, authorization
    /// code, signature, query string or body.
    /// <para>libiop formats only the events at or below <see cref="Level"/>, which starts as the
    /// level of <see cref="Source"/>'s switch (<c>Off</c> unless configured) when libiop is first
    /// loaded; set it to receive events on <see cref="Event"/> (the source's switch still filters
    /// what reaches its listeners).</para>
    /// <code>
    /// IopLog.Level = IopLogLevel.Info;
    /// IopLog.Event += e => logger.Log(e.Level >= IopLogLevel.Debug ? LogLevel.Debug : ..., "{Event} {Fields}", e.Name, e.FieldsJson);
    /// </code>
    /// </summary>
    public static class IopLog
    {
        /// <summary>The source every event is traced to (name <c>"Iopkit"</c>).</summary>
        public static readonly TraceSource Source = new TraceSource("Iopkit");

        // Kept in a static field: libiop holds only the function pointer, and a collected delegate
        // would leave it calling freed memory.
        private static readonly Native.LogCallback Callback = OnNativeEvent;
        private static readonly object Lock = new object();
        private static IopLogLevel level = IopLogLevel.Off;
        private static long handlerFailures;

        /// <summary>Raised for every event at or below <see cref="Level"/>, on the thread that did the
        /// work (a batch worker too), possibly on several threads at once. An exception a handler
        /// throws is swallowed (it never reaches libiop) and the other handlers still run.</summary>
        public static event Action<IopLogRecord> Event;

        /// <summary>The most detailed level libiop reports (<see cref="IopLogLevel.Off"/>: none).</summary>
        public static IopLogLevel Level
        {
            get { return level; }
            set
            {
                Native.EnsureCompatible(); // registers the callback on first load
                lock (Lock)
                {
                    Native.LogSetLevel((int)value);
                    level = value;
                }
            }
        }

        /// <summary>Sets <see cref="Level"/> from <see cref="Source"/>'s switch (e.g. after changing it in code):
        /// <c>Verbose</c> → <see cref="IopLogLevel.Debug"/>, <c>All</c> → <see cref="IopLogLevel.Trace"/>.</summary>
        public static void FollowTraceSource()
        {
            Level = FromSourceLevels(Source.Switch.Level);
        }

        /// <summary>How many times an <see cref="Event"/> handler threw (the exception was swallowed).</summary>
        public static long HandlerFailures => Interlocked.Read(ref handlerFailures);

        /// <summary>Registers the callback with the source's level; called once, when libiop is loaded.</summary>
        internal static void Install()
        {
            lock (Lock)
            {
                level = FromSourceLevels(Source.Switch.Level);
                // The raw call: the checked wrapper would re-enter the version check that runs this.
                Native.iop_log_set_callback(Callback, IntPtr.Zero, (int)level);
            }
        }

        internal static IopLogLevel FromSourceLevels(SourceLevels levels)
        {
            if ((levels & SourceLevels.All) == SourceLevels.All)
            {
                return IopLogLevel.Trace;
            }
            if ((levels & SourceLevels.Verbose) == SourceLevels.Verbose)
            {
                return IopLogLevel.Debug;
            }
            if ((levels & SourceLevels.Information) == SourceLevels.Information)
            {
                return IopLogLevel.Info;
            }
            if ((levels & SourceLevels.Warning) == SourceLevels.Warning)
            {
                return IopLogLevel.Warn;
            }
            return (levels & SourceLevels.Error) == SourceLevels.Error ? IopLogLevel.Error : IopLogLevel.Off;
        }

        internal static TraceEventType EventType(IopLogLevel l)
        {
            switch (l)
            {
                case IopLogLevel.Error:
                    return TraceEventType.Error;
                case IopLogLevel.Warn:
                    return TraceEventType.Warning;
                case IopLogLevel.Info:
                    return TraceEventType.Information;
                default:
                    return TraceEventType.Verbose;
            }
        }

        private static void OnNativeEvent(IntPtr userData, int nativeLevel, IntPtr name, IntPtr message, IntPtr fieldsJson)
        {
            // Runs on libiop's thread: nothing may escape into native code.
            try
            {
                IopLogLevel l = (IopLogLevel)nativeLevel;
                TraceEventType type = EventType(l);
                Action<IopLogRecord> handlers = Event;
                bool traced = Source.Switch.ShouldTrace(type);
                if (handlers == null && !traced)
                {
                    return;
                }
                IopLogRecord record = new IopLogRecord(l, Native.FromUtf8(name), Native.FromUtf8(message), Native.FromUtf8(fieldsJson));
                if (traced)
                {
                    Source.TraceEvent(type, 0, "{0}", record);
                }
                if (handlers != null)
                {
                    foreach (Delegate d in handlers.GetInvocationList())
                    {
                        try
                        {
                            ((Action<IopLogRecord>)d)(record);
                        }
                        catch (Exception)
                        {
                            Interlocked.Increment(ref handlerFailures);
                        }
                    }
                }
            }
            catch (Exception)
            {
                Interlocked.Increment(ref handlerFailures);
            }
        }
    }

    /// <summary>One event of libiop's stream (<see cref="IopLog.Event"/>). Immutable.</summary>
    public sealed class IopLogRecord
    {
        private IReadOnlyDictionary<string, object> fields;

        internal IopLogRecord(IopLogLevel level, string name, string message, string fieldsJson)
        {
            Level = level;
            Name = name ?? string.Empty;
            Message = message ?? string.Empty;
            FieldsJson = string.IsNullOrEmpty(fieldsJson) ? "{}" : fieldsJson;
            Timestamp = DateTimeOffset.UtcNow;
        }

        /// <summary>The event's level.</summary>
        public IopLogLevel Level { get; private set; }

        /// <summary>The event's stable name: <c>call.start</c>, <c>call.end</c>, <c>call.retry</c>,
        /// <c>token.refresh</c>, <c>token.create</c>, <c>store.lock_wait</c>, <c>limit.wait</c>,
        /// <c>limit.reject</c>, <c>limit.ban</c>.</summary>
        public string Name { get; private set; }

        /// <summary>One English line describing the event.</summary>
        public string Message { get; private set; }

        /// <summary>The fields as libiop's JSON object (<c>{"api":"/seller/get","attempt":1,…}</c>).</summary>
        public string FieldsJson { get; private set; }

        /// <summary>When the record was made (UTC).</summary>
        public DateTimeOffset Timestamp { get; private set; }

        /// <summary>The fields by name: strings, numbers (<see cref="int"/>, <see cref="long"/> or
        /// <see cref="decimal"/>), booleans or null; parsed on first use.</summary>
        public IReadOnlyDictionary<string, object> Fields
        {
            get
            {
                if (fields == null)
                {
                    fields = new ReadOnlyDictionary<string, object>(Json.ParseObject(FieldsJson));
                }
                return fields;
            }
        }

        /// <summary><c>name: message {fields}</c>.</summary>
        public override string ToString()
        {
            return string.Format(CultureInfo.InvariantCulture, "{0}: {1} {2}", Name, Message, FieldsJson);
        }
    }
}
