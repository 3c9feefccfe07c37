"""The IPERNITY_* environment variables, named once for the client, the store and the command.

Imports nothing, so the command can name them without loading requests.
"""

API_KEY = "IPERNITY_API_KEY"
API_SECRET = "IPERNITY_API_SECRET"
AUTH_TOKEN = "IPERNITY_AUTH_TOKEN"
ENDPOINT = "IPERNITY_ENDPOINT"
CONFIG_DIR = "IPERNITY_CONFIG_DIR"
