using System.Collections.Generic;
using System.IO;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Text;

namespace Iopkit
{
    /// <summary>Reads libiop's re-authorization list and an event's fields, and writes a callback store's account list with
    /// the framework's <see cref="DataContractJsonSerializer"/> (part of netstandard2.0).</summary>
    internal static class Json
    {
        internal static T Parse<T>(string json)
        {
            using (MemoryStream stream = new MemoryStream(Encoding.UTF8.GetBytes(json)))
            {
                return (T)new DataContractJsonSerializer(typeof(T)).ReadObject(stream);
            }
        }

        /// <summary>A flat JSON object (an event's fields) as a dictionary of strings, numbers,
        /// booleans and nulls.</summary>
        internal static Dictionary<string, object> ParseObject(string json)
        {
            DataContractJsonSerializerSettings settings = new DataContractJsonSerializerSettings { UseSimpleDictionaryFormat = true };
            using (MemoryStream stream = new MemoryStream(Encoding.UTF8.GetBytes(json)))
            {
                return (Dictionary<string, object>)new DataContractJsonSerializer(typeof(Dictionary<string, object>), settings)
                    .ReadObject(stream);
            }
        }

        internal static string Write<T>(T value)
        {
            using (MemoryStream stream = new MemoryStream())
            {
                new DataContractJsonSerializer(typeof(T)).WriteObject(stream, value);
                return Encoding.UTF8.GetString(stream.ToArray());
            }
        }

        /// <summary>One element of <c>iop_token_store_list_due</c>.</summary>
        [DataContract]
        internal sealed class DueWire
        {
            [DataMember(Name = "account")]
            internal string Account;

            [DataMember(Name = "reauthorize_by")]
            internal long ReauthorizeBy;
        }
    }
}
