// RFC 3986 productions used by EIP-4361, as anchored regular expressions over ASCII.
// Sets: unreserved = ALPHA DIGIT - . _ ~ ; sub-delims = ! $ & ' ( ) * + , ; = ; pct-encoded = %HH.

/** `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` */
export const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/** `userinfo = *( unreserved / pct-encoded / sub-delims / ":" )` */
export const USERINFO = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*$/;

/** `reg-name = *( unreserved / pct-encoded / sub-delims )`; IPv4address is a subset of it. */
export const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

/** `":" port` with `port = *DIGIT` */
export const COLON_PORT = /^:[0-9]*$/;

/** `IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )` */
export const IPV_FUTURE = /^[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/;

/** `IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet`, octets without leading zeros. */
export const IPV4_ADDRESS =
  /^(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])){3}$/;

/** `h16 = 1*4HEXDIG` */
export const H16 = /^[0-9A-Fa-f]{1,4}$/;

/** `*pchar`, `pchar = unreserved / pct-encoded / sub-delims / ":" / "@"` */
export const PCHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*$/;

/** `*( pchar / "/" )`: every hier-part path form once the authority form is excluded. */
export const PATH = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;

/** `query = fragment = *( pchar / "/" / "?" )` */
export const QUERY_OR_FRAGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/;

/** `scheme ":" hier-part [ "?" query ] [ "#" fragment ]`, split into parts checked one by one. */
export const URI_PARTS = /^([^:/?#]*):([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;
