using System.IO;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Text;

namespace Iopkit
{
    /// <summary>
    /// Reads the small JSON documents libiop hands out (token records, re-authorization lists) and
    /// writes the account list of a callback store, with the framework's
    /// <see cref="DataContractJsonSerializer"/> (part of netstandard2.0). The shapes are
    /// libiop's (<c>iop_token_manager_record_json</c>, <c>iop_token_store_due_json</c>).
    /// </summary>
    internal static class Json
    {
        internal static T Parse<T>(string json)
        {
            DataContractJsonSerializer serializer = new DataContractJsonSerializer(typeof(T));
            using (MemoryStream stream = new MemoryStream(Encoding.UTF8.GetBytes(json)))
            {
                return (T)serializer.ReadObject(stream);
            }
        }

        internal static string Write<T>(T value)
        {
            DataContractJsonSerializer serializer = new DataContractJsonSerializer(typeof(T));
            using (MemoryStream stream = new MemoryStream())
            {
                serializer.WriteObject(stream, value);
                return Encoding.UTF8.GetString(stream.ToArray());
            }
        }

        /// <summary>One element of <c>iop_token_store_due_json</c>.</summary>
        [DataContract]
        internal sealed class DueWire
        {
            [DataMember(Name = "account")]
            internal string Account;

            [DataMember(Name = "reauthorize_by")]
            internal long ReauthorizeBy;
        }

        /// <summary><c>iop_token_manager_record_json</c>.</summary>
        [DataContract]
        internal sealed class RecordWire
        {
            [DataMember(Name = "version")]
            internal ulong Version;

            [DataMember(Name = "access_token")]
            internal string AccessToken;

            [DataMember(Name = "refresh_token")]
            internal string RefreshToken;

            [DataMember(Name = "expires_at_ms")]
            internal long ExpiresAtMs;

            [DataMember(Name = "refresh_expires_at_ms")]
            internal long? RefreshExpiresAtMs;

            [DataMember(Name = "can_refresh")]
            internal bool CanRefresh;

            [DataMember(Name = "granted_at_ms")]
            internal long GrantedAtMs;

            [DataMember(Name = "refresh_started_at_ms")]
            internal long? RefreshStartedAtMs;

            [DataMember(Name = "reauthorization_reason")]
            internal string ReauthorizationReason;

            [DataMember(Name = "seller_id")]
            internal string SellerId;

            [DataMember(Name = "country")]
            internal string Country;

            [DataMember(Name = "reauthorize_by_ms")]
            internal long? ReauthorizeByMs;
        }
    }
}
