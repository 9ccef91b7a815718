// The Linux App Service plan and the web app that runs SupportBot on .NET 10.

@description('Azure region.')
param location string

@description('App Service plan name.')
param planName string

@description('Web app name; also its host name under azurewebsites.net.')
param webAppName string

@description('App Service plan SKU.')
param sku string

@description('Number of instances.')
param instanceCount int

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityId string

@description('App settings; nested configuration keys use __ (Storage__Provider for Storage:Provider).')
param appSettings object

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  kind: 'linux'
  sku: {
    name: sku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Every request may land on any instance (shared storage and Redis): no affinity cookie.
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'DOTNETCORE|10.0'
      webSocketsEnabled: true
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/healthz'
      appSettings: [for setting in items(appSettings): { name: setting.key, value: string(setting.value) }]
    }
  }
}

@description('The web app\'s name.')
output name string = site.name

@description('The web app\'s default host name.')
output hostName string = site.properties.defaultHostName
