// EIP-4361 productions that are not RFC 3986 or RFC 3339 ones.

/** Text after the (optional scheme and) domain on the first line. */
export const HEADER_SUFFIX = " wants you to sign in with your Ethereum account:";

/** `scheme "://"` at the start of the first line. */
export const SCHEME_PREFIX = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** `statement = *( reserved / unreserved / " " )`: printable ASCII but `"` `%` `<` `>` `\` `^` `` ` `` `{` `|` `}`. */
export const STATEMENT = /^[A-Za-z0-9 !#$&'()*+,\-./:;=?@[\]_~]*$/;

/** `nonce = 8*( ALPHA / DIGIT )` */
export const NONCE = /^[A-Za-z0-9]{8,}$/;

/** `chain-id = 1*DIGIT`, here without leading zeros so that one chain has one spelling. */
export const CHAIN_ID = /^(?:0|[1-9][0-9]*)$/;

/** Every character any EIP-4361 production allows is printable ASCII or LF. */
export const OUTSIDE_ALPHABET = /[^\x20-\x7e\n]/;
