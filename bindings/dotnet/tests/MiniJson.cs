using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Iopkit.Tests
{
    /// <summary>A small JSON reader for the tests (the conformance table, stored records): objects as
    /// <c>Dictionary&lt;string, object&gt;</c>, arrays as <c>List&lt;object&gt;</c>, integers as
    /// <c>long</c>, other numbers as <c>double</c>, and <c>string</c>, <c>bool</c>, null.</summary>
    public static class MiniJson
    {
        public static object Parse(string text)
        {
            int i = 0;
            object v = Value(text, ref i);
            Skip(text, ref i);
            if (i != text.Length)
            {
                throw new FormatException("trailing text at " + i);
            }
            return v;
        }

        public static Dictionary<string, object> Object(string text)
        {
            return (Dictionary<string, object>)Parse(text);
        }

        private static void Skip(string s, ref int i)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }
        }

        private static object Value(string s, ref int i)
        {
            Skip(s, ref i);
            char c = s[i];
            if (c == '{')
            {
                Dictionary<string, object> o = new Dictionary<string, object>();
                i++;
                Skip(s, ref i);
                if (s[i] == '}')
                {
                    i++;
                    return o;
                }
                while (true)
                {
                    Skip(s, ref i);
                    string key = (string)Value(s, ref i);
                    Skip(s, ref i);
                    Expect(s, ref i, ':');
                    o[key] = Value(s, ref i);
                    Skip(s, ref i);
                    if (s[i++] == '}')
                    {
                        return o;
                    }
                }
            }
            if (c == '[')
            {
                List<object> a = new List<object>();
                i++;
                Skip(s, ref i);
                if (s[i] == ']')
                {
                    i++;
                    return a;
                }
                while (true)
                {
                    a.Add(Value(s, ref i));
                    Skip(s, ref i);
                    if (s[i++] == ']')
                    {
                        return a;
                    }
                }
            }
            if (c == '"')
            {
                StringBuilder b = new StringBuilder();
                i++;
                while (s[i] != '"')
                {
                    if (s[i] == '\\')
                    {
                        char e = s[i + 1];
                        i += 2;
                        switch (e)
                        {
                            case 'n': b.Append('\n'); break;
                            case 't': b.Append('\t'); break;
                            case 'r': b.Append('\r'); break;
                            case 'b': b.Append('\b'); break;
                            case 'f': b.Append('\f'); break;
                            case 'u':
                                b.Append((char)int.Parse(s.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                                i += 4;
                                break;
                            default: b.Append(e); break;
                        }
                    }
                    else
                    {
                        b.Append(s[i++]);
                    }
                }
                i++;
                return b.ToString();
            }
            foreach (KeyValuePair<string, object> word in new[]
            {
                new KeyValuePair<string, object>("true", true), new KeyValuePair<string, object>("false", false),
                new KeyValuePair<string, object>("null", null),
            })
            {
                if (string.CompareOrdinal(s, i, word.Key, 0, word.Key.Length) == 0)
                {
                    i += word.Key.Length;
                    return word.Value;
                }
            }
            int start = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0)
            {
                i++;
            }
            string n = s.Substring(start, i - start);
            long l;
            if (long.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l))
            {
                return l;
            }
            return double.Parse(n, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        private static void Expect(string s, ref int i, char c)
        {
            if (s[i] != c)
            {
                throw new FormatException("expected '" + c + "' at " + i);
            }
            i++;
        }
    }
}
