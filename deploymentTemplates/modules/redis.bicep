// Azure Cache for Redis for the live fan-out between instances (agents on one instance see what happens on another).

@description('Azure region.')
param location string

@description('Globally unique cache name.')
param name string

resource cache 'Microsoft.Cache/redis@2024-03-01' = {
  name: name
  location: location
  properties: {
    sku: {
      name: 'Basic'
      family: 'C'
      capacity: 0
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
  }
}

@description('The cache\'s name (main.bicep reads its access key from it, so the key never passes through an output).')
output name string = cache.name

@description('host:port of the TLS endpoint.')
output endpoint string = '${cache.properties.hostName}:${cache.properties.sslPort}'
