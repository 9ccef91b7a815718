// SupportBot on Azure: Azure Bot Service in front (Web Chat, Direct Line, Teams), a Linux App Service running the bot,
// state and transcripts in Blob Storage, one user-assigned managed identity for both the bot's Entra identity and
// its storage access (no secrets). Build the ARM JSON next to it with: bicep build main.bicep

targetScope = 'resourceGroup'

@description('Azure region for everything but the Azure Bot (which is global); empty for the resource group\'s region.')
param location string = ''

@description('Prefix of every resource name; a short hash of the resource group keeps globally unique names unique.')
@minLength(3)
@maxLength(12)
param baseName string = 'supportbot'

@description('App Service plan SKU. B1 runs one small instance; use P0v3 or larger for several instances and autoscale.')
param appServicePlanSku string = 'B1'

@description('Number of App Service instances. More than one needs enableRedis (live updates, agent presence and sign-in shared between instances); no session affinity is needed.')
@minValue(1)
@maxValue(10)
param instanceCount int = 1

@description('Display name of the bot in Teams and Web Chat.')
param botDisplayName string = 'SupportBot'

@description('Azure Bot pricing tier: F0 (free, standard channels limited) or S1.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Entra tenant of the bot\'s managed identity (MicrosoftAppTenantId); empty for the subscription\'s tenant.')
param tenantId string = ''

@description('Blob container for bot state (Storage:Blob:StateContainer).')
param stateContainerName string = 'botstate'

@description('Blob container for transcripts in the Bot Framework layout (Storage:Blob:TranscriptContainer).')
param transcriptContainerName string = 'transcripts'

@description('Secret of the self-hosted Direct Line used by the bot\'s own web chat page (DirectLine:Secret); keeps its tokens valid on every instance and across restarts. A new one is generated on each deployment unless given.')
@secure()
param directLineSecret string = newGuid()

@description('The bot\'s data folder (Storage:DataDirectory): what is not in Blob Storage yet, the handoff queue, follow-ups and staff accounts among it. /home is App Service\'s persistent share, right for one instance; with several instances give each its own disk (/tmp/supportbot) until the handoff queue is on Blob too.')
param dataDirectory string = '/home/data/supportbot'

@description('Create Application Insights (with a Log Analytics workspace) and turn on the App Service agent.')
param enableApplicationInsights bool = true

@description('Create an Azure Cache for Redis and hand its connection string to the app (Redis:ConnectionString) for the multi-instance live fan-out.')
param enableRedis bool = false

var region = empty(location) ? resourceGroup().location : location
var botTenantId = empty(tenantId) ? subscription().tenantId : tenantId
var suffix = uniqueString(resourceGroup().id)
var names = {
  identity: '${baseName}-id-${suffix}'
  storage: take(toLower('${replace(baseName, '-', '')}${suffix}'), 24)
  plan: '${baseName}-plan-${suffix}'
  webApp: '${baseName}-${suffix}'
  bot: '${baseName}-bot-${suffix}'
  insights: '${baseName}-ai-${suffix}'
  workspace: '${baseName}-logs-${suffix}'
  redis: '${baseName}-redis-${suffix}'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: region
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: region
    name: names.storage
    containerNames: [
      stateContainerName
      transcriptContainerName
    ]
    principalId: identity.properties.principalId
  }
}

module monitoring 'modules/monitoring.bicep' = if (enableApplicationInsights) {
  name: 'monitoring'
  params: {
    location: region
    insightsName: names.insights
    workspaceName: names.workspace
  }
}

module redis 'modules/redis.bicep' = if (enableRedis) {
  name: 'redis'
  params: {
    location: region
    name: names.redis
  }
}

resource redisCache 'Microsoft.Cache/redis@2024-03-01' existing = if (enableRedis) {
  name: names.redis
  dependsOn: [
    redis
  ]
}

module webApp 'modules/webapp.bicep' = {
  name: 'webapp'
  params: {
    location: region
    planName: names.plan
    webAppName: names.webApp
    sku: appServicePlanSku
    instanceCount: instanceCount
    identityId: identity.id
    appSettings: union(
      {
        MicrosoftAppType: 'UserAssignedMSI'
        MicrosoftAppId: identity.properties.clientId
        MicrosoftAppTenantId: botTenantId
        Storage__Provider: 'Blob'
        Storage__Blob__AccountUrl: storage.outputs.blobEndpoint
        Storage__Blob__ManagedIdentityClientId: identity.properties.clientId
        Storage__Blob__StateContainer: stateContainerName
        Storage__Blob__TranscriptContainer: transcriptContainerName
        Storage__DataDirectory: dataDirectory
        DirectLine__Secret: directLineSecret
        BotName: botDisplayName
        Urls: 'http://0.0.0.0:8080'
        ASPNETCORE_FORWARDEDHEADERS_ENABLED: 'true'
      },
      enableApplicationInsights
        ? {
            APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring!.outputs.connectionString
            ApplicationInsightsAgent_EXTENSION_VERSION: '~3'
          }
        : {},
      enableRedis
        ? {
            // StackExchange.Redis format, TLS only.
            Redis__ConnectionString: '${redis!.outputs.endpoint},password=${redisCache!.listKeys().primaryKey},ssl=True,abortConnect=False'
          }
        : {}
    )
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    name: names.bot
    displayName: botDisplayName
    sku: botSku
    endpoint: 'https://${webApp.outputs.hostName}/api/messages'
    appId: identity.properties.clientId
    identityId: identity.id
    tenantId: botTenantId
  }
}

@description('The web app to zip-deploy the published bot to.')
output webAppName string = webApp.outputs.name

@description('The bot\'s public host name, for teams-package --domain.')
output hostName string = webApp.outputs.hostName

@description('The bot\'s app id (the managed identity\'s client id), for teams-package --app-id.')
output microsoftAppId string = identity.properties.clientId

@description('The messaging endpoint registered with the Azure Bot.')
output messagingEndpoint string = bot.outputs.endpoint
