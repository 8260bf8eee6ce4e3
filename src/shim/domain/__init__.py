"""The domain: value types, ports, typed errors and the policies that use them."""
