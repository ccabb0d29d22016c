// The nonce that lets the page's own inline scripts run under the Content-Security-Policy. Known
// only while the server renders; in the browser the scripts have run already, so it is undefined.
import { createContext, useContext } from 'react';

export const CspNonceContext = createContext<string | undefined>(undefined);

export const useCspNonce = () => useContext(CspNonceContext);
